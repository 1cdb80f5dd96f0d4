/**
 * Prediction over any number of image files: paths stream in, worker
 * threads decode and resize batches of them ahead of the model, the model
 * runs batch after batch, and the top-K classes come out a batch at a time.
 * Memory stays flat: at most `numWorkers x prefetch` batches are in flight,
 * whatever the number of files, and nothing is kept once a batch is yielded.
 */
import { DecodePool, type DecodedBatch } from '../data/decode-pool.js';
import { sampleNormalization, type SampleNormalization } from '../data/sample-pipeline.js';
import { ValueError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { noGrad } from '../tensor/grad-mode.js';
import { softmax } from '../tensor/ops/softmax.js';
import { scope } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';
import type { ImageFit } from '../vision/load-image-options.js';
import { inputChannels, type ModelInputSpec } from '../vision/model-input.js';
import { topK, type RankedClass } from '../vision/top-k.js';

/** One file's prediction: its top classes, or why it could not be read. */
export interface FilePrediction {
  file: string;
  /** The top-K classes, most probable first; absent when the file could not be decoded. */
  top?: RankedClass[];
  /** Why the file could not be decoded ("x.jpg: not a supported image ..."); absent when it was. */
  error?: string;
}

export interface PredictFilesOptions {
  /** Images per forward pass (default 32). */
  batchSize?: number;
  /** Decoding threads (default 2; 0 decodes on this thread, sharp still uses its own native threads). */
  numWorkers?: number;
  /** Batches decoded ahead per worker (default 2). */
  prefetch?: number;
  /** Classes per file (default 3, at most the number of classes). */
  topK?: number;
  /** Invert intensities first (dark-on-light drawings for an MNIST model). */
  invert?: boolean;
  /** Files to pass over (e.g. those already in an output file being resumed). */
  skip?: (file: string) => boolean;
}

/** What predictFiles needs of a model file's meta. */
export type PredictFilesSpec = ModelInputSpec & { classNames: readonly string[]; fit?: ImageFit };

/** The normalisation of `spec`, applied to 255 - v when inverting: (255 - v) * s + t = v * -s + (255 s + t). */
function normalization(spec: PredictFilesSpec, invert: boolean): SampleNormalization {
  const n = sampleNormalization(spec.inputShape[0], spec.normalize);
  if (!invert) return n;
  return { ...n, byteScale: n.byteScale.map((s) => -s), shift: n.shift.map((t, c) => t + 255 * n.byteScale[c]!) };
}

/** The top-K of every decoded file of a batch (one forward over those), and the errors of the rest. */
function predictBatch(model: Module, spec: PredictFilesSpec, b: DecodedBatch, k: number): FilePrediction[] {
  const [c, h, w] = spec.inputShape;
  const per = c * h * w;
  const ok = b.errors.flatMap((e, i) => (e === null ? [i] : []));
  let probs = new Float32Array(0);
  if (ok.length) {
    const x = new Float32Array(ok.length * per);
    ok.forEach((i, j) => x.set(b.x.subarray(i * per, (i + 1) * per), j * per));
    // in a scope: every buffer of the forward goes back to the pool; only the copied probabilities leave
    probs = scope(() => noGrad(() => Float32Array.from(softmax(model.forward(new Tensor(x, [ok.length, c, h, w])), 1).data)));
  }
  const n = spec.classNames.length;
  if (ok.length && probs.length !== ok.length * n) throw new ValueError(`predictFiles: the model gave ${probs.length / ok.length} outputs per image but has ${n} class names`);
  let j = 0;
  return b.paths.map((file, i) => {
    const error = b.errors[i];
    if (error) return { file, error };
    const row = probs.subarray(j * n, ++j * n);
    return { file, top: topK(row, k, spec.classNames) };
  });
}

/**
 * Predicts the top-K classes of every file of `files` (paths, listed lazily
 * or not, e.g. `imageFiles(['photos/'])`), decoded, resized and normalised
 * as the model file says (`meta`), in batches decoded by worker threads.
 * Yields each batch's predictions in the files' order; a file that cannot be
 * decoded gets its `error` and the rest go on. The model should be in eval
 * mode (models loaded from files are).
 *
 * Shape: each batch runs as [B, C, H, W] (C, H, W = `meta.inputShape`) → [B, classes].
 * @example
 * const { model, meta } = loadAnyModel('flowers.fovea');
 * for await (const batch of predictFiles(model, meta, imageFiles(['photos/']), { topK: 3 })) {
 *   for (const p of batch) console.log(p.file, p.error ?? p.top![0]!.class);
 * }
 */
export async function* predictFiles(model: Module, meta: PredictFilesSpec, files: AsyncIterable<string> | Iterable<string>, options: PredictFilesOptions = {}): AsyncGenerator<FilePrediction[]> {
  const batchSize = options.batchSize ?? 32;
  const numWorkers = options.numWorkers ?? 2;
  const prefetch = options.prefetch ?? 2;
  for (const [name, v, min] of [['batchSize', batchSize, 1], ['numWorkers', numWorkers, 0], ['prefetch', prefetch, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new ValueError(`predictFiles: ${name} must be an integer >= ${min}, got ${v}`);
  }
  const k = Math.min(options.topK ?? 3, meta.classNames.length);
  const channels = inputChannels(meta, 'predictFiles');
  const pool = new DecodePool({ shape: [channels, meta.inputShape[1], meta.inputShape[2]], decode: { fit: meta.fit ?? 'fill' }, norm: normalization(meta, options.invert ?? false) }, numWorkers);
  const it = (Symbol.asyncIterator in files ? files[Symbol.asyncIterator]() : files[Symbol.iterator]()) as AsyncIterator<string> | Iterator<string>;
  let exhausted = false;
  const nextPaths = async (): Promise<string[]> => {
    const paths: string[] = [];
    while (!exhausted && paths.length < batchSize) {
      const r = await it.next();
      if (r.done) exhausted = true;
      else if (!options.skip?.(r.value)) paths.push(r.value);
    }
    return paths;
  };
  const inFlight: Promise<DecodedBatch>[] = [];
  try {
    for (;;) {
      while (!exhausted && inFlight.length < Math.max(1, numWorkers) * prefetch) {
        const paths = await nextPaths();
        if (!paths.length) break;
        const p = pool.decode(paths);
        p.catch(() => {}); // awaited in turn below; a failure while earlier batches are awaited is not unhandled
        inFlight.push(p);
      }
      const next = inFlight.shift();
      if (!next) return;
      yield predictBatch(model, meta, await next, k);
    }
  } finally {
    await pool.close();
  }
}
