/**
 * A DataLoader worker thread (Node worker_threads): rebuilds the loader's
 * transform from its spec, opens the dataset (shared bytes, or image files
 * it decodes itself) and builds every batch it is asked for into the shared
 * ring, one job after the other. See batch-worker-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Generator } from '../util/random.js';
import type { BatchJob, BatchReply, BatchStop, BatchWorkerInit, WorkerDatasetSource } from './batch-worker-pool.js';
import { augmentSample, checkSampleShape, writeByteSample, writeFloatSample } from './sample-pipeline.js';
import { rebuildTransform } from './transforms/rebuild-transform.js';

type ReadImage = (i: number) => Uint8Array | Promise<Uint8Array>;

const init = workerData as BatchWorkerInit;
const port = parentPort!;
const transform = init.transform ? rebuildTransform(init.transform) : null;
const ring = new Float32Array(init.ring);
const rng = new Generator(0);
const shape = init.source.shape;
const readImage = await openSource(init.source);

// one job at a time, in the order they came; after a stop, the rest are skipped and the thread exits
let queue = Promise.resolve();
let stopping = false;
port.on('message', (message: BatchJob | BatchStop) => {
  if ('stop' in message) {
    stopping = true;
    queue = queue.then(() => port.close());
    return;
  }
  queue = queue.then(async () => {
    if (!stopping) port.postMessage(await build(message));
  });
});

/** Builds one batch into its ring slot; a failing sample ends the job with its index and error. */
async function build(job: BatchJob): Promise<BatchReply> {
  const { indices, first, epochSeed } = job;
  const x = ring.subarray(job.slot * init.slotFloats, (job.slot + 1) * init.slotFloats);
  // every image of the batch at once (sharp decodes on its own threads); read in order below
  const images = Array.from(indices, (i) => {
    const p = Promise.resolve().then(() => readImage(i));
    p.catch(() => {}); // awaited below, or dropped after an earlier sample failed
    return p;
  });
  for (let k = 0; k < indices.length; k++) {
    try {
      const bytes = await images[k]!;
      if (transform) {
        const out = augmentSample(bytes, shape, transform, rng, epochSeed, first + k);
        checkSampleShape(out, init.sampleShape, `sample ${indices[k]}`, 'the loader expects (from a blank image)');
        writeFloatSample(x, k, out, init.norm);
      } else {
        writeByteSample(x, k, bytes, shape[0], shape[1] * shape[2], init.norm);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return { job: job.job, ok: false, index: indices[k]!, position: first + k, name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
    }
  }
  return { job: job.job, ok: true };
}

async function openSource(source: WorkerDatasetSource): Promise<ReadImage> {
  if (source.kind === 'bytes') {
    const per = shape[0] * shape[1] * shape[2];
    return (i) => source.images.subarray(i * per, (i + 1) * per);
  }
  // only workers of a lazily decoded folder load sharp
  const { readImageChw } = await import('./image-folder.js');
  return (i) => readImageChw(source.files[i]!, shape, source.decode);
}
