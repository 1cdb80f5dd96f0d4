/**
 * `fovea eval MODEL`: accuracy, per-class accuracy and the confusion matrix on
 * a data set's test set, or on an image folder — by default on the test part
 * of the same seeded split that training made, so that the number reproduces
 * training's test accuracy.
 */
import { inferenceBatchSize } from '../../nn/inference-batch-size.js';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { testMistakes } from '../../explain/mistakes-view.js';
import { evaluationReport } from '../../explain/training-report.js';
import { writePage } from '../../explain/write-page-node.js';
import { DataLoader } from '../../data/data-loader.js';
import { ImageDataset } from '../../data/dataset.js';
import { DataError } from '../../data/errors.js';
import { findClasses, loadImageFolder } from '../../data/image-folder.js';
import { checkClassifier } from '../../io/load-any-model.js';
import { loadAnyModel } from '../../io/load-any-model-node.js';
import type { ModelMeta } from '../../io/model-file.js';
import { evaluate } from '../../train/evaluate.js';
import { FoveaError, fmt } from '../../errors.js';
import { ProgressBar } from '../../train/progress.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags, type FlagValues } from '../flags.js';
import { pct, printJson, applyBackend, backendFlags, jsonFlag } from '../options.js';
import { loadFolderSplits, loadSplit } from '../../train/train-data.js';
import { DATASETS, resolveDataSource, splitOption } from './data-source.js';
import { describeDuplicate, type DuplicateImage } from '../../data/duplicate-images.js';

/** The report's clickable confusion matrix shows this many test images per cell, the surest first. */
const REPORT_EXAMPLES_PER_CELL = 16;

const FOLDERS = "Image folders (decoded at the model's input size, channels, fit and normalisation):";

export const evalFlags = {
  dataset: flag.string({ arg: 'NAME', help: `mnist, fashion-mnist or cifar10; default: the data set the model was trained on
(its file says), else mnist` }),
  data: flag.string({ arg: 'DIR', help: `the IDX files, the CIFAR-10 .bin batches, or an image folder (one sub-folder
per class, matched to the model's classes by name); default: the data set's
default place, or the image folder the model was trained on when it exists` }),
  top: flag.int({ arg: 'K', min: 1, default: 1, help: 'also report top-K accuracy' }),
  'batch-size': flag.int({ min: 1, help: 'default: as many images as fit 512 MiB of activations, at most 256' }),
  json: jsonFlag(),
  report: flag.string({ arg: 'DIR', help: `also write DIR/report.html: the confusion matrix, and each cell's test
images (the 16 the model was surest of) one click away, with their
probabilities, saliency and Grad-CAM; one file, works offline` }),
  force: flag.boolean({ help: 'with --report: overwrite an existing report in DIR' }),
  ...backendFlags,
  split: flag.string({ arg: 'A/B[/C]', group: FOLDERS, help: `the seeded split to evaluate a part of: its test part, or with two parts its
validation part. Default: the split training recorded in the model file (so
the test accuracy is training's); 'none' evaluates every image` }),
  seed: flag.int({ min: 0, group: FOLDERS, help: "the split's seed (default: the one training recorded, else 1)" }),
  'skip-unreadable': flag.boolean({ group: FOLDERS, help: 'skip images that cannot be decoded (on by default when training skipped some)' }),
};

type EvalValues = FlagValues<typeof evalFlags>;

export const evalHelp = helpPage({
  usage: 'fovea eval MODEL [options]',
  about: 'Evaluates a model (.fovea, ONNX or TF.js) on a data set\'s test set or on an image folder.',
  flags: evalFlags,
});

/** The data eval ran on, for the output. */
interface Evaluated {
  test: ImageDataset;
  /** 'mnist', or the image folder. */
  dataset: string;
  /** The heading's words: 'mnist test set', 'the test part of flowers (...)'. */
  what: string;
  /** For --json: the split and part of an image folder. */
  extra: Record<string, unknown>;
}

export async function evalCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('eval', evalFlags, argv);
  const file = positionals[0];
  if (!file) throw new UsageError('eval: missing MODEL (a .fovea, ONNX or TF.js model)');
  if (positionals.length > 1) throw new UsageError(`eval: unexpected argument '${positionals[1]}'`);
  await applyBackend(v);
  const reportHtml = v.report !== undefined ? join(v.report, 'report.html') : undefined;
  if (v.force && !reportHtml) throw new UsageError('--force goes with --report DIR');
  if (reportHtml && existsSync(reportHtml) && !v.force) throw new UsageError(`${reportHtml} exists; pass --force to overwrite it or choose another --report folder`);
  const loaded = loadAnyModel(file);
  checkClassifier(loaded, 'eval');
  const { model, meta } = loaded;
  const { json, top: topK } = v;
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const batchSize = v.batchSize ?? inferenceBatchSize(model, meta.inputShape);

  const data = await evalData(v, file, meta, json ? log : (s) => void process.stdout.write(`${s}\n`));
  const { test } = data;
  const loader = new DataLoader(test, { batchSize, normalize: meta.normalize });
  const r = evaluate(model, loader, meta.classNames.length, { topK, ...(reportHtml ? { examplesPerCell: REPORT_EXAMPLES_PER_CELL } : {}) });
  if (v.report !== undefined) {
    const page = evaluationReport({
      title: `${basename(file)} on ${data.what}`, classNames: meta.classNames, test: r, mistakes: testMistakes(model, test, r, meta),
      notes: [`${file}; ${data.what}.`],
    });
    await writePage(v.report, page, { htmlName: 'report.html' });
  }
  if (json) {
    printJson({
      command: 'eval', model: file, dataset: data.dataset, ...data.extra, count: r.count, accuracy: r.accuracy, loss: r.loss,
      ...(topK > 1 ? { topK, topKAccuracy: r.topKAccuracy } : {}),
      perClassAccuracy: Object.fromEntries(meta.classNames.map((c, i) => [c, r.perClassAccuracy[i]])),
      confusion: r.confusion.toRows(), classNames: meta.classNames, ...(reportHtml ? { report: reportHtml } : {}),
    });
    return;
  }
  const out: string[] = [];
  out.push(`${file} on ${data.what}`);
  out.push(`accuracy ${pct(r.accuracy)}  loss ${r.loss.toFixed(4)}${topK > 1 ? `  top-${topK} ${pct(r.topKAccuracy)}` : ''}`);
  out.push('', 'per-class accuracy:');
  meta.classNames.forEach((c, i) => out.push(`  ${c.padEnd(12)} ${pct(r.perClassAccuracy[i]!)}`));
  out.push('', 'confusion matrix (rows: actual, columns: predicted):', r.confusion.format(meta.classNames));
  if (reportHtml) out.push('', `report ${reportHtml}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The images to evaluate on: --data / --dataset, else what the model was trained on. */
async function evalData(v: EvalValues, file: string, meta: ModelMeta, log: (s: string) => void): Promise<Evaluated> {
  let dir = v.data;
  let datasetRaw = v.dataset;
  const trainedOn = meta.training?.['dataset'];
  let why = '';
  if (dir === undefined && datasetRaw === undefined && typeof trainedOn === 'string') {
    if ((DATASETS as readonly string[]).includes(trainedOn)) datasetRaw = trainedOn;
    else if (existsSync(trainedOn)) dir = trainedOn;
    else throw new UsageError(`${file} was trained on ${trainedOn}, which is not here; pass --data DIR (an image folder with its classes) or --dataset NAME`);
    why = ' (what the model was trained on, its file says)';
  }
  const source = resolveDataSource(datasetRaw, dir);
  if (source.found || why) log(`data: ${source.found ?? (source.kind === 'dataset' ? source.dataset : source.dir)}${why}`);
  if (source.kind === 'image-folder') return folderData(v, file, meta, source.dir, log);
  for (const [flag, given] of [['split', v.split !== undefined], ['seed', v.seed !== undefined], ['skip-unreadable', v.skipUnreadable]] as const) {
    if (given) throw new UsageError(`--${flag} applies to image folders (--data DIR with one sub-folder per class); ${source.dataset} has its own test set`);
  }
  const { dataset } = source;
  const test = loadSplit(dataset, source.dir, false);
  if (fmt(test.shape) !== fmt(meta.inputShape)) {
    throw new FoveaError(`${file}: model expects input ${fmt(meta.inputShape)} but ${dataset} images are ${fmt(test.shape)}`);
  }
  if (test.classNames.length !== meta.classNames.length) {
    throw new FoveaError(`${file}: model has ${meta.classNames.length} classes but ${dataset} has ${test.classNames.length}`);
  }
  return { test, dataset, what: `${dataset} test set (${test.length} images)`, extra: {} };
}

/** How the folder is split: the --split / --seed given, else training's record, else not at all. */
interface SplitPlan {
  fractions: number[] | null;
  spec: string;
  seed: number;
  /** Words for the output: 'as in training', 'given', ... */
  from: string;
}

function splitPlan(v: EvalValues, training: Record<string, unknown>): SplitPlan {
  const recordedSeed = typeof training['seed'] === 'number' ? training['seed'] : undefined;
  const given = v.split;
  const seedGiven = v.seed !== undefined;
  const seed = v.seed ?? recordedSeed ?? 1;
  if (given === 'none') {
    if (seedGiven) throw new UsageError('--seed goes with a split; --split none evaluates every image');
    return { fractions: null, spec: 'none', seed, from: 'given' };
  }
  if (given !== undefined) return { fractions: splitOption(given), spec: given, seed, from: seedGiven ? 'given' : recordedSeed !== undefined ? 'given, seed as in training' : 'given' };
  const recorded = training['split'];
  if (typeof recorded === 'string') {
    return { fractions: splitOption(recorded), spec: recorded, seed, from: seedGiven ? 'as in training, seed given' : 'as in training' };
  }
  if (seedGiven) throw new UsageError('--seed goes with a split, and the model file records none: give --split A/B/C too');
  return { fractions: null, spec: 'none', seed, from: 'the model file records no split' };
}

/**
 * An image folder decoded as the model takes its input (size, channels, fit;
 * the normalisation is applied by the loader), split as training split it,
 * its labels mapped to the model's class indices by name.
 */
async function folderData(v: EvalValues, file: string, meta: ModelMeta, dir: string, log: (s: string) => void): Promise<Evaluated> {
  const [channels, height, width] = meta.inputShape;
  if (channels !== 1 && channels !== 3) throw new FoveaError(`${file}: the model takes ${channels}-channel input; an image folder decodes to 1 (grayscale) or 3 (RGB) channels`);
  const training = meta.training ?? {};
  const plan = splitPlan(v, training);
  // Checked by name before decoding anything: a wrong folder fails at once.
  const toModel = classMapping(await findClasses(dir), meta.classNames, dir, file);
  const trainedSkipping = training['skipUnreadable'] === true || (typeof training['skipped'] === 'number' && training['skipped'] > 0);
  const skipUnreadable = v.skipUnreadable || trainedSkipping;
  const fit = meta.fit ?? 'fill';
  const decode = { size: [height, width] as [number, number], channels: channels as 1 | 3, fit, skipUnreadable };
  const bar = new ProgressBar();
  const onProgress = (done: number, total: number): void => bar.update(done, total, 'decoding images');
  let part: ImageDataset;
  let partName: 'test' | 'validation' | 'all';
  let total: number;
  let skipped: { file: string; problem: string }[];
  let duplicates: DuplicateImage[];
  if (plan.fractions === null) {
    const r = await loadImageFolder(dir, { ...decode, onProgress });
    [part, partName, total, skipped, duplicates] = [r.dataset, 'all', r.dataset.length, r.skipped, r.duplicates];
  } else {
    const s = await loadFolderSplits(dir, { ...decode, fractions: plan.fractions, seed: plan.seed, onProgress });
    const chosen = plan.fractions.length === 3 ? s.test : s.val;
    partName = plan.fractions.length === 3 ? 'test' : 'validation';
    if (!chosen) throw new UsageError(`--split ${plan.spec}: its ${partName} part of ${dir} is empty (${s.total} images); give it a larger share or use --split none`);
    [part, total, skipped, duplicates] = [chosen, s.total, s.skipped, s.duplicates];
  }
  bar.done();
  for (const k of skipped) log(`skipped ${k.file}: ${k.problem}`);
  for (const d of duplicates) log(describeDuplicate(d));
  const trainedDir = training['dataset'];
  if (plan.fractions !== null && plan.from.startsWith('as in training') && typeof trainedDir === 'string' && resolve(trainedDir) !== resolve(dir)) {
    log(`note: the model was trained on ${trainedDir}; this is its split applied to ${dir} (--split none evaluates every image)`);
  }
  const test = new ImageDataset(part.images, Int32Array.from(part.labels, (l) => toModel[l]!), part.shape, meta.classNames);
  const how = plan.fractions === null
    ? `all ${part.length} images of ${dir}${plan.from === 'given' ? '' : ` (${plan.from})`}`
    : `the ${partName} part of ${dir} (split ${plan.spec}, seed ${plan.seed}, ${plan.from}; ${part.length} of ${total} images${partName === 'validation' ? `; a 2-part split has no test part${plan.from.startsWith('as in training') ? ', and training chose its best epoch on this one' : ''}` : ''})`;
  return {
    test, dataset: dir, what: how,
    extra: { split: plan.spec, ...(plan.fractions ? { seed: plan.seed } : {}), part: partName, splitFrom: plan.from, images: total, skipped: skipped.length },
  };
}

/**
 * For each of the folder's classes (sorted, as labelled), the model's index
 * for the class of that name.
 * @throws {DataError} naming both lists when they differ.
 */
function classMapping(folder: string[], model: readonly string[], dir: string, file: string): number[] {
  const notInModel = folder.filter((c) => !model.includes(c));
  const noFolder = model.filter((c) => !folder.includes(c));
  if (notInModel.length || noFolder.length) {
    const why = [
      notInModel.length ? `in the folder but not the model: ${notInModel.join(', ')}` : '',
      noFolder.length ? `model classes with no folder: ${noFolder.join(', ')}` : '',
    ].filter(Boolean).join('; ');
    throw new DataError(dir, `its class folders [${folder.join(', ')}] do not match the classes of ${file} [${model.join(', ')}] (${why}); eval matches them by name`);
  }
  return folder.map((c) => model.indexOf(c));
}
