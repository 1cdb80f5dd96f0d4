/**
 * `fovea train --backbone SOURCE --data FOLDER`: transfer learning. A
 * pretrained network is cut before its classifier, a new head for the
 * folder's classes is put on it, and the head is trained — on cached
 * features when the backbone is frozen — optionally followed by fine-tuning
 * the whole network at a lower learning rate. `--from-scratch` trains the
 * same architecture from random weights: the baseline the pretrained
 * backbone must beat.
 */
import { DataLoader } from '../../data/data-loader.js';
import { writeTrainingReport } from '../../explain/write-training-report-node.js';
import { saveModel } from '../../io/model-file-node.js';
import { cutBackbone, reinitialize, splitAt, type SplitModel } from '../../nn/backbone.js';
import type { Module } from '../../nn/module.js';
import type { ImageDataset } from '../../data/dataset.js';
import type { Transform } from '../../data/transforms/transform.js';
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import { Sequential } from '../../nn/sequential.js';
import { manualSeed } from '../../util/random.js';
import { evaluate, type EvalResult } from '../../train/evaluate.js';
import { cachedFeatures, defaultFeatureCacheDir } from '../../train/feature-disk-cache-node.js';
import { extractFeatures, FeatureLoader, featureStats, foldStandardization, mapFeatures, standardize, type FeatureSet } from '../../train/feature-cache.js';
import { fit, type BatchLog, type EpochLog } from '../../train/fit.js';
import { ProgressBar } from '../../train/progress.js';
import { UsageError } from '../cli-error.js';
import { pct, printJson } from '../options.js';
import { loadBackboneSource } from './backbone-source.js';
import { loadFolderSplits, type FolderSplits } from '../../train/train-data.js';
import { augmentOption, splitOption, type DataSource } from './data-source.js';
import type { TrainFlags, TrainValues } from './train-flags.js';
import { learningRate, makeOptimizer, makeScheduler, stepOptions } from '../../train/optimizer-choice.js';
import { FOVEA_VERSION } from '../../version.js';
import { trainHead } from '../../train/train-head.js';
import { checkCrossValidateOptions, crossValidateTransfer } from './train-cross-validate.js';
import { describeDuplicate } from '../../data/duplicate-images.js';

/** What train.ts has already worked out. */
export interface TransferContext {
  v: TrainValues;
  /** Whether a flag was given (a default is not "given"). */
  given: (name: keyof TrainFlags) => boolean;
  log: (s: string) => void;
  json: boolean;
  compute: { backend: string; threads: number };
  /** --backbone. */
  backbone: string;
  /** --out, or the default named after the folder (`defaultModelFile`). */
  out: string;
  /** --data / --dataset as resolved; transfer learning takes an image folder only. */
  source: DataSource;
}

/** Runs a transfer-learning training from the parsed `fovea train` options. */
export async function transferTrain(ctx: TransferContext): Promise<void> {
  const { v, given, log, out, source } = ctx;
  const { seed, epochs, batchSize, optimizer: optName } = v;
  for (const flag of ['resume', 'checkpoint', 'checkpoint-every', 'dataset', 'model', 'limit', 'val-split'] as const) {
    if (given(flag)) throw new UsageError(`--${flag} cannot be combined with --backbone (transfer learning trains on an image folder in one go${flag.startsWith('checkpoint') || flag === 'resume' ? ', without checkpoints' : ''})`);
  }
  if (source.kind !== 'image-folder') {
    throw new UsageError(`--backbone needs --data DIR with an image folder (one sub-folder of images per class)${source.found ? `; found ${source.found}` : ''}`);
  }
  const dir = source.dir;
  log(`data: ${source.found}`);
  const frozen = v.freezeBackbone;
  const fromScratch = v.fromScratch;
  const fineTune = v.fineTune ?? 0;
  const fineTuneFrom = v.fineTuneFrom;
  if (fineTuneFrom !== undefined && !fineTune) throw new UsageError('--fine-tune-from goes with --fine-tune N (the epochs of fine-tuning)');
  if (fineTune && !frozen) throw new UsageError('--fine-tune follows head training on a frozen backbone; without --freeze-backbone every epoch already trains the whole network');
  if (v.augment === undefined && given('feature-views')) throw new UsageError('--feature-views applies with --augment (without it every view would be the same)');
  // Checked now, before the backbone is read; --out is refused with it, so the caller's default name does not matter.
  const folds = v.crossValidate === undefined ? 0 : checkCrossValidateOptions(v, given);
  const { mean, std } = v;
  if ((mean === undefined) !== (std === undefined)) throw new UsageError('--mean and --std go together');

  const spec = ctx.backbone;
  const src = await loadBackboneSource(spec, mean && std ? { mean, std } : undefined);
  const [c, bh, bw] = src.inputShape;
  if (src.normalize.mean.length !== c || src.normalize.std.length !== c) throw new UsageError(`--mean/--std: the backbone takes ${c} channels, got ${src.normalize.mean.length} means and ${src.normalize.std.length} stds`);
  const size = v.size ?? [bh, bw] as [number, number];
  if (v.channels !== undefined && Number(v.channels) !== c) throw new UsageError(`--channels: the backbone takes ${c}-channel images`);
  const inputShape: [number, number, number] = [c, size[0], size[1]];
  const at = v.cutAt === undefined ? {} : { at: v.cutAt };
  const { model: backbone, features, cutAt, removed, pooled } = cutBackbone(src.model, inputShape, at);
  const shown = removed.length > 8 ? [...removed.slice(0, 3), `... ${removed.length - 6} more ...`, ...removed.slice(-3)] : removed;
  log(`backbone ${spec}: cut at '${cutAt}' (removed ${shown.join(', ')}${pooled ? '; added global average pooling' : ''}), ${features} features per image, ${backbone.numParameters().toLocaleString('en-US')} parameters; input ${inputShape.join('x')}, normalisation from ${src.normalizeFrom}`);
  manualSeed(seed);
  if (folds) {
    return crossValidateTransfer({
      v, log, bar: new ProgressBar(), json: ctx.json, dir, spec, backbone, features, inputShape, normalize: src.normalize, fit: v.fit,
      seed, epochs, batchSize,
    }, folds);
  }
  if (fromScratch) log(`--from-scratch: re-initialised ${reinitialize(backbone)} layers of the backbone`);

  const splitSpec = v.split ?? '70/15/15';
  const fractions = splitOption(splitSpec);
  const bar = new ProgressBar();
  const t0 = performance.now();
  const { fit } = v;
  const data = await loadFolderSplits(dir, {
    size, channels: c as 1 | 3, fit, fractions, seed, skipUnreadable: v.skipUnreadable,
    onProgress: (done, total) => bar.update(done, total, 'decoding images'),
  });
  bar.done();
  log(`decoded ${data.total} images of ${data.classNames.length} classes (${data.classNames.join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)}s: ${data.train.length} train / ${data.val?.length ?? 0} validation / ${data.test?.length ?? 0} test`);
  for (const k of data.skipped) log(`skipped ${k.file}: ${k.problem}`);
  for (const d of data.duplicates) log(describeDuplicate(d));
  // Stored so that `fovea eval` decodes, and so splits, the folder as training did.
  const skipFlag = v.skipUnreadable ? { skipUnreadable: true } : {};
  const numClasses = data.classNames.length;
  const normalize = src.normalize;
  const augmentSpec = v.augment;
  const transform = augmentOption(augmentSpec, size[0], size[1]);

  const fc = new Linear(features, numClasses);
  const head = new Sequential({ dropout: new Dropout(v.headDropout), fc });
  const net = new Sequential({ backbone, head });
  const lr = learningRate(v);
  const workers = v.workers;
  const trainImages = (shuffle: boolean, withTransform: boolean): DataLoader => new DataLoader(data.train, {
    batchSize: shuffle ? batchSize : 32, shuffle, seed, normalize, ...(withTransform && transform ? { transform, numWorkers: workers } : {}),
  });
  const imagesOf = (set: typeof data.val): DataLoader | undefined => (set ? new DataLoader(set, { batchSize: 32, normalize }) : undefined);
  const epochLog = (total: number, what: string) => (e: EpochLog): void => {
    bar.done();
    log(`${what} epoch ${String(e.epoch).padStart(String(total).length)}/${total}  train loss ${e.trainLoss.toFixed(4)}  train acc ${pct(e.trainAccuracy)}` +
      (e.valAccuracy !== undefined ? `  val acc ${pct(e.valAccuracy)}` : '') + `  lr ${e.lr.toPrecision(3)}  ${e.seconds.toFixed(1)}s`);
  };
  const batchLog = (total: number, what: string) => (b: BatchLog): void =>
    bar.update(b.batch, b.batches, `${what} epoch ${b.epoch}/${total}  loss ${b.loss.toFixed(4)}  ${Math.round(b.imagesPerSecond)} img/s`);

  const tTrain = performance.now();
  const run: Run = {
    v, log, bar, data, backbone, head, fc, net, numClasses, epochs, batchSize, optName, seed, lr, transform, fineTune, fineTuneFrom,
    features, normalize, trainImages, imagesOf, epochLog, batchLog,
  };
  const result = frozen ? await trainFrozen(run) : await trainWhole(run, fromScratch ? 'scratch' : 'train');
  const { history, bestEpoch, bestVal, featureSeconds, fineTuneHistory } = result;
  let test = result.test;
  const testLoader = imagesOf(data.test);
  if (!test && testLoader) test = evaluate(net, testLoader, numClasses);
  const seconds = (performance.now() - tTrain) / 1000;
  log(test ? `test accuracy ${pct(test.accuracy)} (${test.count} images); training took ${seconds.toFixed(1)}s` : `no test split; training took ${seconds.toFixed(1)}s`);

  net.requiresGrad_(true);
  const mode = fromScratch ? (frozen ? 'random frozen backbone' : 'from scratch') : frozen ? (fineTune ? 'frozen backbone, then fine-tuned' : 'frozen backbone') : 'whole network';
  await saveModel(out, net, {
    inputShape, normalize, classNames: [...data.classNames], fit,
    training: {
      dataset: dir, model: 'transfer', backbone: spec, mode, cutAt, removedLayers: removed, epochs, fineTuneEpochs: fineTune, skipped: data.skipped.length, ...skipFlag,
      batchSize, optimizer: optName, seed, split: splitSpec, fit, ...(augmentSpec ? { augment: augmentSpec } : {}),
      bestEpoch, valAccuracy: bestVal ?? null, testAccuracy: test?.accuracy ?? null, featureSeconds,
      seconds, backend: ctx.compute.backend, threads: ctx.compute.threads, date: new Date().toISOString(), fovea: FOVEA_VERSION,
    },
  });
  log(`saved ${out}`);
  const report = v.noReport ? null : await writeTrainingReport(out, {
    title: `${spec} → ${numClasses} classes of ${dir} (${mode})`, history, classNames: data.classNames, ...(test ? { test } : {}),
    notes: [`${data.train.length} training / ${data.val?.length ?? 0} validation images, ${inputShape.join('x')}, batch ${batchSize}, ${optName}, seed ${seed}; backbone cut at '${cutAt}'; ${seconds.toFixed(1)} s.`],
  });
  if (report) log(`report ${report}`);
  if (ctx.json) {
    printJson({
      command: 'train', mode, backbone: spec, cutAt, removed, features, dataset: dir, out, seed, epochs, fineTuneEpochs: fineTune,
      history, fineTuneHistory, bestEpoch, valAccuracy: bestVal ?? null,
      test: test ? { accuracy: test.accuracy, loss: test.loss, perClassAccuracy: test.perClassAccuracy, count: test.count } : null,
      classNames: data.classNames, inputShape, fit, normalize, featureSeconds, seconds, report,
      backend: ctx.compute.backend, threads: ctx.compute.threads,
    });
  }
}

/** Everything the training phases share. */
interface Run {
  v: TrainValues;
  log: (s: string) => void;
  bar: ProgressBar;
  data: FolderSplits;
  backbone: Module;
  head: Sequential;
  fc: Linear;
  net: Sequential;
  numClasses: number;
  epochs: number;
  batchSize: number;
  optName: string;
  seed: number;
  lr: number;
  transform: Transform | undefined;
  fineTune: number;
  fineTuneFrom: string | undefined;
  features: number;
  /** The backbone's input normalisation (part of the feature-cache key). */
  normalize: { mean: number[]; std: number[] };
  trainImages: (shuffle: boolean, withTransform: boolean) => DataLoader;
  imagesOf: (set: ImageDataset | null) => DataLoader | undefined;
  epochLog: (total: number, what: string) => (e: EpochLog) => void;
  batchLog: (total: number, what: string) => (b: BatchLog) => void;
}

interface RunResult {
  history: EpochLog[];
  bestEpoch: number;
  bestVal: number | undefined;
  test: EvalResult | null;
  featureSeconds: number;
  fineTuneHistory: EpochLog[];
}

/** --freeze-backbone: cache features (or maps of the part before --fine-tune-from), train the head on them, then fine-tune if asked. */
async function trainFrozen(run: Run): Promise<RunResult> {
  const { v, log, bar, data, backbone, head, fc, numClasses, epochs, batchSize, optName, seed, transform, fineTune, fineTuneFrom, features, trainImages, imagesOf, epochLog, batchLog } = run;
  const history: EpochLog[] = [];
  let test: EvalResult | null = null;
  let bestEpoch = 0;
  let bestVal: number | undefined;
  let featureSeconds = 0;
  let fineTuneHistory: EpochLog[] = [];
  backbone.requiresGrad_(false);
  const views = transform ? v.featureViews : 1;
  const tf = performance.now();
  // With --fine-tune-from, the part of the backbone up to that layer stays frozen for good: its output maps
  // are cached once, the head's features are computed from them, and fine-tuning trains the rest on them.
  const split = fineTuneFrom !== undefined ? splitAt(backbone, fineTuneFrom) : null;
  const frozenPart = split ? split.prefix : backbone;
  // Feature vectors are kept on disk between runs (not the big maps of a --fine-tune-from prefix).
  const diskDir = split || v.featureCache === 'off' ? null : v.featureCache ?? defaultFeatureCacheDir();
  let hits = 0;
  const cache = async (loader: DataLoader | undefined, images: ImageDataset | null, what: string, k = 1): Promise<FeatureSet | null> => {
    if (!loader || !images) return null;
    const key = { model: frozenPart, images, normalize: run.normalize, views: k, ...(augmentSpec ? { augment: augmentSpec } : {}), seed };
    const r = await cachedFeatures(diskDir, key, () => extractFeatures(frozenPart, loader, images.length, { views: k, onProgress: (d, t) => bar.update(d, t, `features: ${what}`) }));
    if (r.hit) hits++;
    return r.set;
  };
  const augmentSpec = v.augment;
  const trainC = (await cache(trainImages(false, true), data.train, `training images${views > 1 ? ` x ${views} views` : ''}`, views))!;
  const valC = await cache(imagesOf(data.val), data.val, 'validation images');
  const testC = await cache(imagesOf(data.test), data.test, 'test images');
  const tail = async (set: FeatureSet | null): Promise<FeatureSet | null> => (set && split ? mapFeatures(split.suffix, set, { onProgress: (d, t) => bar.update(d, t, 'features: the rest of the backbone') }) : set);
  const [trainF, valF, testF] = [(await tail(trainC))!, await tail(valC), await tail(testC)];
  bar.done();
  featureSeconds = (performance.now() - tf) / 1000;
  const imagesRun = data.train.length * views + (data.val?.length ?? 0) + (data.test?.length ?? 0);
  if (hits === 3 || (hits > 0 && hits === [trainC, valC, testC].filter(Boolean).length)) log(`features of ${imagesRun} images read from the feature cache ${diskDir} in ${featureSeconds.toFixed(1)}s (the backbone did not run; --feature-cache off recomputes them)`);
  else log(`cached ${split ? `${trainC.shape.join('x')} maps of '${fineTuneFrom}' and ` : ''}${features}-float features of ${imagesRun} images in ${featureSeconds.toFixed(1)}s (${(imagesRun / featureSeconds).toFixed(1)} img/s through the backbone)${diskDir ? `; kept in ${diskDir} for the next run` : ''}`);
  // The head trains on standardised features; the standardisation is folded into its weights afterwards.
  const h = await trainHead(trainF, {
    ...v, epochs, batchSize, seed, numClasses, head: { head, fc }, val: valF, test: fineTune ? null : testF,
    onBatchEnd: batchLog(epochs, 'head'), onEpochEnd: epochLog(epochs, 'head'),
  });
  history.push(...h.fit.history);
  bestEpoch = h.fit.bestEpoch;
  bestVal = h.fit.bestValAccuracy;
  test = h.test;
  if (fineTune && trainC) {
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

/** --fine-tune: the whole network on the images, or (--fine-tune-from) the layers after the split on cached maps. */
async function fineTuneAfterHead(run: Run, split: SplitModel | null, trainC: FeatureSet, valC: FeatureSet | null, testC: FeatureSet | null): Promise<{ history: EpochLog[]; bestEpoch: number; bestValAccuracy: number | undefined; test: EvalResult | null }> {
  const { v, log, data, backbone, head, net, numClasses, batchSize, optName, seed, lr, fineTune, fineTuneFrom, trainImages, imagesOf, epochLog, batchLog } = run;
  let test: EvalResult | null = null;
  // Keras's fine-tuning recipe: batch-norm statistics stay as pretrained (a small data set's batches would
  // overwrite them with noise); their scale and shift train with everything else, at a low rate.
  for (const m of backbone.modulesIter()) if (m instanceof BatchNorm2d) m.frozenStats = true;
  const trainable = split ? new Sequential({ rest: split.suffix, head }) : net;
  trainable.requiresGrad_(true);
  const ftLr = v.fineTuneLr ?? lr / 10;
  log(`fine-tuning ${split ? `the backbone after '${fineTuneFrom}' (${split.suffix.numParameters().toLocaleString('en-US')} parameters) on the cached maps` : 'the whole network on the images'} and the head for ${fineTune} epochs at lr ${ftLr}`);
  const ftOpt = makeOptimizer(v, trainable.parameters(), ftLr);
  const ftSched = makeScheduler(ftOpt, fineTune, v);
  const val = split ? (valC ? new FeatureLoader(valC, { batchSize: 64 }) : undefined) : imagesOf(data.val);
  const ft = await fit(trainable, {
    epochs: fineTune, optimizer: ftOpt, numClasses, ...(val ? { val } : {}), ...(ftSched ? { scheduler: ftSched } : {}),
    train: split ? new FeatureLoader(trainC, { batchSize, shuffle: true, seed: seed + 1 }) : trainImages(true, true), ...stepOptions(v),
    onBatchEnd: batchLog(fineTune, 'fine-tune'), onEpochEnd: epochLog(fineTune, 'fine-tune'),
  });
  if (split && testC) test = evaluate(trainable, new FeatureLoader(testC, { batchSize: 64 }), numClasses);
  for (const m of backbone.modulesIter()) if (m instanceof BatchNorm2d) m.frozenStats = false;
  return { history: ft.history, bestEpoch: ft.bestEpoch, bestValAccuracy: ft.bestValAccuracy, test };
}

/** No frozen backbone: the whole network trains on the images (fine-tuning everything, or --from-scratch). */
async function trainWhole(run: Run, what: string): Promise<RunResult> {
  const { v, data, net, numClasses, epochs, optName, trainImages, imagesOf, epochLog, batchLog } = run;
  const optimizer = makeOptimizer(v, net.parameters());
  const scheduler = makeScheduler(optimizer, epochs, v);
  const val = imagesOf(data.val);
  const r = await fit(net, {
    epochs, optimizer, numClasses, train: trainImages(true, true), ...(val ? { val } : {}), ...(scheduler ? { scheduler } : {}),
    ...stepOptions(v),
    onBatchEnd: batchLog(epochs, what), onEpochEnd: epochLog(epochs, what),
  });
  return { history: r.history, bestEpoch: r.bestEpoch, bestVal: r.bestValAccuracy, test: null, featureSeconds: 0, fineTuneHistory: [] };
}
