/**
 * `fovea train --backbone SOURCE --data FOLDER`: transfer learning. A
 * pretrained network is cut before its classifier, a new head for the
 * folder's classes is put on it, and the head is trained — on cached
 * features when the backbone is frozen — optionally followed by fine-tuning
 * the whole network at a lower learning rate. `--from-scratch` trains the
 * same architecture from random weights: the baseline the pretrained
 * backbone must beat.
 */
import { writeTrainingReport } from '../../explain/write-training-report-node.js';
import { cutBackbone } from '../../nn/backbone.js';
import { manualSeed } from '../../util/random.js';
import { defaultFeatureCacheDir } from '../../train/feature-disk-cache-node.js';
import { ProgressBar } from '../../train/progress.js';
import { loadFolderSplits } from '../../train/train-data.js';
import { transferRun } from '../../train/transfer-run-node.js';
import { UsageError } from '../cli-error.js';
import { pct, printJson } from '../options.js';
import { loadBackboneSource } from './backbone-source.js';
import { augmentOption, splitOption, type DataSource } from './data-source.js';
import type { TrainFlags, TrainValues } from './train-flags.js';
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
  const numClasses = data.classNames.length;
  const augmentSpec = v.augment;
  const r = await transferRun({
    ...v, backbone, features, data, inputShape, normalize: src.normalize, fit, frozen, fromScratch, fineTune, fineTuneFrom,
    transform: augmentOption(augmentSpec, size[0], size[1]), augment: augmentSpec,
    featureCacheDir: v.featureCache === 'off' ? null : v.featureCache ?? defaultFeatureCacheDir(), out, compute: ctx.compute,
    // Stored so that `fovea eval` decodes, and so splits, the folder as training did.
    record: { dataset: dir, backbone: spec, cutAt, removedLayers: removed, split: splitSpec, ...(v.skipUnreadable ? { skipUnreadable: true } : {}) },
  }, {
    log: (line) => {
      bar.done();
      log(line);
    },
    onProgress: (done, total, what) => bar.update(done, total, what),
    onBatchEnd: (phase, total, b) => bar.update(b.batch, b.batches, `${phase} epoch ${b.epoch}/${total}  loss ${b.loss.toFixed(4)}  ${Math.round(b.imagesPerSecond)} img/s`),
    onEpochEnd: (phase, total, e) => {
      bar.done();
      log(`${phase} epoch ${String(e.epoch).padStart(String(total).length)}/${total}  train loss ${e.trainLoss.toFixed(4)}  train acc ${pct(e.trainAccuracy)}` +
        (e.valAccuracy !== undefined ? `  val acc ${pct(e.valAccuracy)}` : '') + `  lr ${e.lr.toPrecision(3)}  ${e.seconds.toFixed(1)}s`);
    },
  });
  const { test, seconds, mode, history } = r;
  log(test ? `test accuracy ${pct(test.accuracy)} (${test.count} images); training took ${seconds.toFixed(1)}s` : `no test split; training took ${seconds.toFixed(1)}s`);
  log(`saved ${out}`);
  const report = v.noReport ? null : await writeTrainingReport(out, {
    title: `${spec} → ${numClasses} classes of ${dir} (${mode})`, history, classNames: data.classNames, ...(test ? { test } : {}),
    notes: [`${data.train.length} training / ${data.val?.length ?? 0} validation images, ${inputShape.join('x')}, batch ${batchSize}, ${optName}, seed ${seed}; backbone cut at '${cutAt}'; ${seconds.toFixed(1)} s.`],
  });
  if (report) log(`report ${report}`);
  if (ctx.json) {
    printJson({
      command: 'train', mode, backbone: spec, cutAt, removed, features, dataset: dir, out, seed, epochs, fineTuneEpochs: fineTune,
      history, fineTuneHistory: r.fineTuneHistory, bestEpoch: r.bestEpoch, valAccuracy: r.bestValAccuracy ?? null,
      test: test ? { accuracy: test.accuracy, loss: test.loss, perClassAccuracy: test.perClassAccuracy, count: test.count } : null,
      classNames: data.classNames, inputShape, fit, normalize: src.normalize, featureSeconds: r.featureSeconds, seconds, report,
      backend: ctx.compute.backend, threads: ctx.compute.threads,
    });
  }
}
