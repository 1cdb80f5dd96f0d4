import { FoveaError } from '../errors.js';
import type { FitState } from './fit.js';

/**
 * Thrown by `fit()` when its `signal` stops a run (e.g. on SIGINT): the
 * current step has finished and `onCheckpoint` has been called with `state`,
 * so passing `state` back as `fit({ resume })` continues exactly there.
 *
 * @example
 * try { await fit(model, { ...o, signal }); }
 * catch (e) { if (e instanceof TrainingInterrupted) console.log(`stopped at epoch ${e.state.epoch}`); else throw e; }
 */
export class TrainingInterrupted extends FoveaError {
  override name = 'TrainingInterrupted';
  constructor(readonly state: FitState) {
    super(`training interrupted in epoch ${state.epoch} after batch ${state.batch}`);
  }
}
