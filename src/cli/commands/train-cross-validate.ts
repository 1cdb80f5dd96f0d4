/**
 * `fovea train --backbone M --freeze-backbone --cross-validate K`: the
 * frozen backbone's features of every image of the folder (computed once,
 * kept in the feature cache), then K heads, each trained on K−1 folds and
 * tested on the one it never saw. Reports each fold's accuracy, the pooled
 * accuracy and mean ± std; writes no model (train without the flag for one).
 */
import { loadImageFolder } from '../../data/image-folder.js';
import { DataLoader } from '../../data/data-loader.js';
import { crossValidate } from '../../train/cross-validate.js';
import { extractFeatures } from '../../train/feature-cache.js';
import { cachedFeatures, defaultFeatureCacheDir } from '../../train/feature-disk-cache-node.js';
import type { ProgressBar } from '../../train/progress.js';
import { trainHead } from '../../train/train-head.js';
import type { TransferRunOptions } from '../../train/transfer-run-node.js';
import { UsageError } from '../cli-error.js';
import { pct, printJson } from '../options.js';
import type { TrainFlags, TrainValues } from './train-flags.js';
import { describeDuplicate } from '../../data/duplicate-images.js';

/** What the transfer command hands over once the backbone is cut. */
export interface CrossValidateRun extends Pick<TransferRunOptions, 'backbone' | 'features' | 'inputShape' | 'normalize' | 'fit' | 'seed' | 'epochs' | 'batchSize'> {
  v: TrainValues;
  log: (s: string) => void;
  bar: ProgressBar;
  json: boolean;
  /** The image folder. */
  dir: string;
  /** --backbone as given. */
  spec: string;
}

/** Refuses the options that do not go with --cross-validate, before any work; gives the number of folds. */
export function checkCrossValidateOptions(v: TrainValues, given: (name: keyof TrainFlags) => boolean): number {
  if (!v.freezeBackbone) throw new UsageError('--cross-validate trains heads on cached features: add --freeze-backbone');
  for (const flag of ['fine-tune', 'fine-tune-from', 'augment', 'feature-views', 'split', 'out', 'from-scratch'] as const) {
    if (given(flag)) throw new UsageError(`--${flag} does not go with --cross-validate (each fold tests the images it left out; no model is written)`);
  }
  return v.crossValidate ?? 5;
}

export async function crossValidateTransfer(r: CrossValidateRun, folds: number): Promise<void> {
  const { v, log, bar, dir, backbone } = r;
  const t0 = performance.now();
  const { dataset, skipped, duplicates } = await loadImageFolder(dir, {
    size: [r.inputShape[1], r.inputShape[2]], channels: r.inputShape[0] as 1 | 3, fit: r.fit, skipUnreadable: v.skipUnreadable,
    onProgress: (d, t) => bar.update(d, t, 'decoding images'),
  });
  bar.done();
  for (const k of skipped) log(`skipped ${k.file}: ${k.problem}`);
  for (const d of duplicates) log(describeDuplicate(d));
  const numClasses = dataset.classNames.length;
  const diskDir = v.featureCache === 'off' ? null : v.featureCache ?? defaultFeatureCacheDir();
  backbone.requiresGrad_(false);
  const { set, hit } = await cachedFeatures(diskDir, { model: backbone, images: dataset, normalize: r.normalize, views: 1 }, () =>
    extractFeatures(backbone, new DataLoader(dataset, { batchSize: 32, normalize: r.normalize }), dataset.length, { onProgress: (d, t) => bar.update(d, t, 'features: every image') }));
  bar.done();
  log(`${hit ? 'read' : 'computed'} ${r.features}-float features of ${dataset.length} images (${dataset.classNames.join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)}s${hit ? ' from the feature cache' : ''}`);
  const cv = await crossValidate(set, folds, r.seed, async (train, test, f) => {
    const { test: e } = await trainHead(train, {
      ...v, epochs: r.epochs, batchSize: r.batchSize, seed: r.seed + f, numClasses, dropout: v.headDropout, test,
      onBatchEnd: (b) => bar.update(b.batch, b.batches, `fold ${f + 1}/${folds} epoch ${b.epoch}/${r.epochs}`),
    });
    bar.done();
    log(`fold ${f + 1}/${folds}: ${pct(e!.accuracy)} of ${e!.count} held-out images`);
    return Math.round(e!.accuracy * e!.count);
  });
  const seconds = (performance.now() - t0) / 1000;
  log(`${folds}-fold cross-validated accuracy ${pct(cv.accuracy)} over all ${dataset.length} images (folds: mean ${pct(cv.mean)}, std ${pct(cv.std)}); ${seconds.toFixed(1)}s; no model written (train without --cross-validate for one)`);
  if (r.json) {
    printJson({
      command: 'train', mode: 'cross-validation', backbone: r.spec, dataset: dir, folds: cv.folds, accuracy: cv.accuracy, mean: cv.mean, std: cv.std,
      images: dataset.length, classNames: dataset.classNames, seed: r.seed, epochs: r.epochs, seconds,
    });
  }
}
