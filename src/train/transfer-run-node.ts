/**
 * One transfer-learning run, as `fovea train --backbone` runs it: a new head
 * for the folder's classes on a cut pretrained backbone, trained on cached
 * frozen features (kept on disk between runs) or end to end, optionally
 * followed by fine-tuning (the whole network, or only the layers after a
 * split point on cached maps); the test split evaluated and the model file
 * saved with its training record. The caller loads and cuts the backbone,
 * decodes the folder and prints progress from the callbacks.
 */
import { DataLoader } from '../data/data-loader.js';
import type { ImageDataset } from '../data/dataset.js';
import type { Transform } from '../data/transforms/transform.js';
import { saveModel } from '../io/model-file-node.js';
import { reinitialize, splitAt, type SplitModel } from '../nn/backbone.js';
import { BatchNorm2d } from '../nn/batch-norm2d.js';
import { Dropout } from '../nn/dropout.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import type { ImageFit } from '../vision/load-image-options.js';
import { FOVEA_VERSION } from '../version.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { extractFeatures, FeatureLoader, mapFeatures, type FeatureSet } from './feature-cache.js';
import { cachedFeatures } from './feature-disk-cache-node.js';
import { fit, type BatchLog, type EpochLog } from './fit.js';
import { learningRate, makeOptimizer, makeScheduler, stepOptions, type TrainingSettings } from './optimizer-choice.js';
import type { FolderSplits } from './train-data.js';
import { trainHead } from './train-head.js';

/** What {@link transferRun} trains, on what, and how. */
export interface TransferRunOptions extends TrainingSettings {
  /** The cut backbone (`cutBackbone(...).model`): images `[N, C, H, W]` → features `[N, features]`. */
  backbone: Module;
  features: number;
  /** The decoded, split image folder. */
  data: FolderSplits;
  inputShape: [number, number, number];
  /** The backbone's input normalisation (part of the feature-cache key). */
  normalize: { mean: number[]; std: number[] };
  fit: ImageFit;
  /** Keep the backbone's weights and train the head on cached features. */
  frozen: boolean;
  /** Re-initialise the backbone first (the baseline a pretrained backbone should beat). */
  fromScratch: boolean;
  /** Epochs of fine-tuning after the head (frozen only; 0: none). */
  fineTune: number;
  /** Fine-tune only the layers after this child path; the ones before stay frozen and their maps are cached. */
  fineTuneFrom?: string | undefined;
  /** Default: the head's learning rate / 10. */
  fineTuneLr?: number | undefined;
  headDropout: number;
  /** Worker threads that augment batches. */
  workers: number;
  transform?: Transform | undefined;
  /** The augmentation's spec (part of the feature-cache key and the model's record). */
  augment?: string | undefined;
  /** Augmented views of each training image cached when frozen with a transform. */
  featureViews: number;
  /** Where frozen features are kept between runs; null: not kept. */
  featureCacheDir: string | null;
  /** The model file to write. */
  out: string;
  /** Stored in the model file's training record (backbone source, cut, folder, split ...). */
  record: Record<string, unknown>;
  compute: { backend: string; threads: number };
}

/** Progress: `phase` is 'head', 'fine-tune', 'train' or 'scratch'. */
export interface TransferRunCallbacks {
  log?: (line: string) => void;
  onProgress?: (done: number, total: number, what: string) => void;
  onBatchEnd?: (phase: string, total: number, b: BatchLog) => void;
  onEpochEnd?: (phase: string, total: number, e: EpochLog) => void;
}

export interface TransferRunResult {
  /** backbone → head; takes normalised images. */
  model: Sequential;
  mode: string;
  history: EpochLog[];
  fineTuneHistory: EpochLog[];
  bestEpoch: number;
  bestValAccuracy: number | undefined;
  test: EvalResult | null;
  /** Time spent computing (or reading) frozen features. */
  featureSeconds: number;
  seconds: number;
}

interface Run {
  o: TransferRunOptions;
  cb: TransferRunCallbacks;
  log: (line: string) => void;
  head: Sequential;
  fc: Linear;
  net: Sequential;
  numClasses: number;
  lr: number;
  trainImages: (shuffle: boolean, withTransform: boolean) => DataLoader;
  imagesOf: (set: ImageDataset | null) => DataLoader | undefined;
  onBatchEnd: (phase: string, total: number) => (b: BatchLog) => void;
  onEpochEnd: (phase: string, total: number) => (e: EpochLog) => void;
}

interface PhaseResult {
  history: EpochLog[];
  bestEpoch: number;
  bestVal: number | undefined;
  test: EvalResult | null;
  featureSeconds: number;
  fineTuneHistory: EpochLog[];
}

/**
 * Trains a head (and, if asked, fine-tunes) on `backbone`, evaluates the test
 * split and saves `backbone → head` to `out`.
 *
 * Shape: images `[N, C, H, W]` (`inputShape`) → logits `[N, classes]`.
 * @example
 * const { model: backbone, features } = cutBackbone(src.model, [3, 224, 224]);
 * const data = await loadFolderSplits('flowers', { size: [224, 224], channels: 3, fit: 'cover', fractions: [0.7, 0.15, 0.15], seed: 1 });
 * const r = await transferRun({ backbone, features, data, frozen: true, ... , out: 'flowers.fovea' });
 * console.log(r.test?.accuracy);
 */
export async function transferRun(o: TransferRunOptions, cb: TransferRunCallbacks = {}): Promise<TransferRunResult> {
  const log = cb.log ?? ((): void => undefined);
  const { data, backbone, normalize, batchSize, seed, transform } = o;
  if (o.fromScratch) log(`--from-scratch: re-initialised ${reinitialize(backbone)} layers of the backbone`);
  const numClasses = data.classNames.length;
  const fc = new Linear(o.features, numClasses);
  const head = new Sequential({ dropout: new Dropout(o.headDropout), fc });
  const net = new Sequential({ backbone, head });
  const run: Run = {
    o, cb, log, head, fc, net, numClasses, lr: learningRate(o),
    trainImages: (shuffle, withTransform) => new DataLoader(data.train, {
      batchSize: shuffle ? batchSize : 32, shuffle, seed, normalize, ...(withTransform && transform ? { transform, numWorkers: o.workers } : {}),
    }),
    imagesOf: (set) => (set ? new DataLoader(set, { batchSize: 32, normalize }) : undefined),
    onBatchEnd: (phase, total) => (b) => cb.onBatchEnd?.(phase, total, b),
    onEpochEnd: (phase, total) => (e) => cb.onEpochEnd?.(phase, total, e),
  };
  const t0 = performance.now();
  const r = o.frozen ? await trainFrozen(run) : await trainWhole(run, o.fromScratch ? 'scratch' : 'train');
  let test = r.test;
  const testLoader = run.imagesOf(data.test);
  if (!test && testLoader) test = evaluate(net, testLoader, numClasses);
  const seconds = (performance.now() - t0) / 1000;
  net.requiresGrad_(true);
  const mode = o.fromScratch ? (o.frozen ? 'random frozen backbone' : 'from scratch') : o.frozen ? (o.fineTune ? 'frozen backbone, then fine-tuned' : 'frozen backbone') : 'whole network';
  await saveModel(o.out, net, {
    inputShape: o.inputShape, normalize, classNames: [...data.classNames], fit: o.fit,
    training: {
      ...o.record, model: 'transfer', mode, epochs: o.epochs, fineTuneEpochs: o.fineTune, skipped: data.skipped.length,
      batchSize, optimizer: o.optimizer, seed, fit: o.fit, ...(o.augment ? { augment: o.augment } : {}),
      bestEpoch: r.bestEpoch, valAccuracy: r.bestVal ?? null, testAccuracy: test?.accuracy ?? null, featureSeconds: r.featureSeconds,
      seconds, backend: o.compute.backend, threads: o.compute.threads, date: new Date().toISOString(), fovea: FOVEA_VERSION,
    },
  });
  return {
    model: net, mode, history: r.history, fineTuneHistory: r.fineTuneHistory, bestEpoch: r.bestEpoch, bestValAccuracy: r.bestVal,
    test, featureSeconds: r.featureSeconds, seconds,
  };
}

/** Frozen: cache features (or maps of the part before fineTuneFrom), train the head on them, then fine-tune if asked. */
async function trainFrozen(run: Run): Promise<PhaseResult> {
  const { o, cb, log, head, fc, numClasses } = run;
  const { data, backbone, epochs, seed, fineTune, fineTuneFrom } = o;
  backbone.requiresGrad_(false);
  const views = o.transform ? o.featureViews : 1;
  const tf = performance.now();
  // With fineTuneFrom, the part of the backbone up to that layer stays frozen for good: its output maps
  // are cached once, the head's features are computed from them, and fine-tuning trains the rest on them.
  const split = fineTuneFrom !== undefined ? splitAt(backbone, fineTuneFrom) : null;
  const frozenPart = split ? split.prefix : backbone;
  // Feature vectors are kept on disk between runs (not the big maps of a fineTuneFrom prefix).
  const diskDir = split ? null : o.featureCacheDir;
  const progress = (what: string) => (d: number, t: number): void => cb.onProgress?.(d, t, what);
  let hits = 0;
  const cache = async (loader: DataLoader | undefined, images: ImageDataset | null, what: string, k = 1): Promise<FeatureSet | null> => {
    if (!loader || !images) return null;
    const key = { model: frozenPart, images, normalize: o.normalize, views: k, ...(o.augment ? { augment: o.augment } : {}), seed };
    const r = await cachedFeatures(diskDir, key, () => extractFeatures(frozenPart, loader, images.length, { views: k, onProgress: progress(`features: ${what}`) }));
    if (r.hit) hits++;
    return r.set;
  };
  const trainC = (await cache(run.trainImages(false, true), data.train, `training images${views > 1 ? ` x ${views} views` : ''}`, views))!;
  const valC = await cache(run.imagesOf(data.val), data.val, 'validation images');
  const testC = await cache(run.imagesOf(data.test), data.test, 'test images');
  const tail = async (set: FeatureSet | null): Promise<FeatureSet | null> => (set && split ? mapFeatures(split.suffix, set, { onProgress: progress('features: the rest of the backbone') }) : set);
  const [trainF, valF, testF] = [(await tail(trainC))!, await tail(valC), await tail(testC)];
  const featureSeconds = (performance.now() - tf) / 1000;
  const imagesRun = data.train.length * views + (data.val?.length ?? 0) + (data.test?.length ?? 0);
  if (hits > 0 && hits === [trainC, valC, testC].filter(Boolean).length) log(`features of ${imagesRun} images read from the feature cache ${diskDir} in ${featureSeconds.toFixed(1)}s (the backbone did not run; --feature-cache off recomputes them)`);
  else log(`cached ${split ? `${trainC.shape.join('x')} maps of '${fineTuneFrom}' and ` : ''}${o.features}-float features of ${imagesRun} images in ${featureSeconds.toFixed(1)}s (${(imagesRun / featureSeconds).toFixed(1)} img/s through the backbone)${diskDir ? `; kept in ${diskDir} for the next run` : ''}`);
  // The head trains on standardised features; the standardisation is folded into its weights afterwards.
  const h = await trainHead(trainF, {
    ...o, epochs, seed, numClasses, head: { head, fc }, val: valF, test: fineTune ? null : testF,
    onBatchEnd: run.onBatchEnd('head', epochs), onEpochEnd: run.onEpochEnd('head', epochs),
  });
  const history = [...h.fit.history];
  let bestEpoch = h.fit.bestEpoch;
  let bestVal = h.fit.bestValAccuracy;
  let test = h.test;
  let fineTuneHistory: EpochLog[] = [];
  if (fineTune) {
    const ft = await fineTuneAfterHead(run, split, trainC, valC, testC);
    fineTuneHistory = ft.history;
    history.push(...ft.history.map((e) => ({ ...e, epoch: e.epoch + epochs })));
    if (ft.bestValAccuracy !== undefined && (bestVal === undefined || ft.bestValAccuracy >= bestVal)) {
      bestVal = ft.bestValAccuracy;
      bestEpoch = ft.bestEpoch + epochs;
    }
    test = ft.test;
  }
  return { history, bestEpoch, bestVal, test, featureSeconds, fineTuneHistory };
}

/** Fine-tuning: the whole network on the images, or (fineTuneFrom) the layers after the split on cached maps. */
async function fineTuneAfterHead(run: Run, split: SplitModel | null, trainC: FeatureSet, valC: FeatureSet | null, testC: FeatureSet | null): Promise<{ history: EpochLog[]; bestEpoch: number; bestValAccuracy: number | undefined; test: EvalResult | null }> {
  const { o, log, head, net, numClasses } = run;
  const { backbone, batchSize, seed, fineTune, fineTuneFrom } = o;
  let test: EvalResult | null = null;
  // Keras's fine-tuning recipe: batch-norm statistics stay as pretrained (a small data set's batches would
  // overwrite them with noise); their scale and shift train with everything else, at a low rate.
  for (const m of backbone.modulesIter()) if (m instanceof BatchNorm2d) m.frozenStats = true;
  const trainable = split ? new Sequential({ rest: split.suffix, head }) : net;
  trainable.requiresGrad_(true);
  const ftLr = o.fineTuneLr ?? run.lr / 10;
  log(`fine-tuning ${split ? `the backbone after '${fineTuneFrom}' (${split.suffix.numParameters().toLocaleString('en-US')} parameters) on the cached maps` : 'the whole network on the images'} and the head for ${fineTune} epochs at lr ${ftLr}`);
  const ftOpt = makeOptimizer(o, trainable.parameters(), ftLr);
  const ftSched = makeScheduler(ftOpt, fineTune, o);
  const val = split ? (valC ? new FeatureLoader(valC, { batchSize: 64 }) : undefined) : run.imagesOf(o.data.val);
  const ft = await fit(trainable, {
    epochs: fineTune, optimizer: ftOpt, numClasses, ...(val ? { val } : {}), ...(ftSched ? { scheduler: ftSched } : {}),
    train: split ? new FeatureLoader(trainC, { batchSize, shuffle: true, seed: seed + 1 }) : run.trainImages(true, true), ...stepOptions(o),
    onBatchEnd: run.onBatchEnd('fine-tune', fineTune), onEpochEnd: run.onEpochEnd('fine-tune', fineTune),
  });
  if (split && testC) test = evaluate(trainable, new FeatureLoader(testC, { batchSize: 64 }), numClasses);
  for (const m of backbone.modulesIter()) if (m instanceof BatchNorm2d) m.frozenStats = false;
  return { history: ft.history, bestEpoch: ft.bestEpoch, bestValAccuracy: ft.bestValAccuracy, test };
}

/** No frozen backbone: the whole network trains on the images (fine-tuning everything, or from scratch). */
async function trainWhole(run: Run, phase: string): Promise<PhaseResult> {
  const { o, net, numClasses } = run;
  const optimizer = makeOptimizer(o, net.parameters());
  const scheduler = makeScheduler(optimizer, o.epochs, o);
  const val = run.imagesOf(o.data.val);
  const r = await fit(net, {
    epochs: o.epochs, optimizer, numClasses, train: run.trainImages(true, true), ...(val ? { val } : {}), ...(scheduler ? { scheduler } : {}),
    ...stepOptions(o),
    onBatchEnd: run.onBatchEnd(phase, o.epochs), onEpochEnd: run.onEpochEnd(phase, o.epochs),
  });
  return { history: r.history, bestEpoch: r.bestEpoch, bestVal: r.bestValAccuracy, test: null, featureSeconds: 0, fineTuneHistory: [] };
}
