import { FoveaError } from '../errors.js';

/**
 * A DataLoader worker thread failed: on one sample (its dataset index and the
 * original error as `cause`), or the worker itself stopped (`index` -1).
 * Batches before the failing one are still delivered.
 *
 * @example
 * try { for await (const b of loader.batches()) ... }
 * catch (e) { if (e instanceof DataLoaderWorkerError) console.error(`sample ${e.index}:`, e.cause); }
 */
export class DataLoaderWorkerError extends FoveaError {
  override name = 'DataLoaderWorkerError';
  constructor(
    message: string,
    /** Dataset index of the sample that failed (-1 when the worker itself died). */
    readonly index: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
