/**
 * A DecodePool worker thread (Node worker_threads): decodes each batch of
 * paths it is sent and posts the floats back, transferring the buffer.
 * See decode-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeBatch, type DecodeSpec } from './decode-pool.js';

// Each file is read once: libvips's operation cache (50 MB by default) would only grow the resident memory.
sharp.cache(false);
const spec = workerData as DecodeSpec;
const port = parentPort!;
// one batch at a time, in the order they came (sharp decodes each batch's files in parallel)
let queue = Promise.resolve();
port.on('message', (m: { job: number; paths: string[] }) => {
  queue = queue.then(async () => {
    const { x, errors } = await decodeBatch(spec, m.paths);
    port.postMessage({ job: m.job, x, errors }, [x.buffer as ArrayBuffer]);
  });
});
