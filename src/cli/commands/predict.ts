/**
 * `fovea predict MODEL IMAGE...`: top-K classes with probabilities, using the
 * input size, channels and normalisation stored in the model file. With
 * `--out FILE` (or a folder or glob pattern): every image, streamed, to a
 * CSV or JSON-lines file (predict-folder.ts).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { predictionFigure } from '../../explain/prediction-figure-node.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { checkClassifier } from '../../io/load-any-model.js';
import { loadAnyModel } from '../../io/load-any-model-node.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { softmax } from '../../tensor/ops/softmax.js';
import { loadModelInput } from '../../vision/model-input-node.js';
import { inputChannels } from '../../vision/model-input.js';
import { topK } from '../../vision/top-k.js';
import { isGlob } from '../../data/image-files.js';
import { predictFolder } from './predict-folder.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const predictFlags = {
  top: flag.int({ arg: 'K', min: 1, default: 3, help: 'how many classes to print' }),
  chart: flag.string({ arg: 'PATH', help: `also write each photo beside a bar chart of its top K classes as a
PNG: PATH is the file (one image, PATH ends in .png) or a folder
(created if needed) that gets IMAGE-NAME.topK.png per image` }),
  out: flag.string({ arg: 'FILE', short: 'o', group: 'Folders', help: `predict every image of the folders / glob patterns given (sub-folders
included) into FILE: .csv (file,class1,probability1,...,error) or .jsonl,
written batch by batch; a re-run skips the files already in FILE (resume)` }),
  'batch-size': flag.int({ arg: 'N', min: 1, default: 32, group: 'Folders', help: 'images per forward pass' }),
  workers: flag.int({ arg: 'N', min: 0, max: 64, default: 2, group: 'Folders', help: 'threads that decode and resize images ahead of the model (0: none)' }),
  invert: flag.boolean({ help: `invert intensities first (for dark-on-light drawings fed to an
MNIST model, whose digits are light on dark)` }),
  json: jsonFlag(),
};

export const predictHelp = helpPage({
  usage: 'fovea predict MODEL IMAGE... [options]\n       fovea predict MODEL DIR_OR_GLOB... --out predictions.csv|.jsonl [options]',
  flags: predictFlags,
  about: `Classifies PNG/JPEG/WebP images: decodes, converts to the model's channels,
resizes to its input size (as it was trained: stretched or centre-cropped),
normalises as stored in the model, and warns when a picture clearly does not
fit the model (a colour photo for a grayscale model, another shape stretched).
MODEL is a .fovea file, an .onnx file, a TF.js model (model.json or its
folder) or nsfwjs:NAME.

With --out, folders of any size: worker threads decode and resize batches of
images ahead of the model, in flat memory; progress with images/s and ETA on
stderr; a file that cannot be read gets a line on stderr and an error column,
and the rest go on. Quote glob patterns ('photos/**/*.jpg') or let the shell
expand them.`,
});

export async function predictCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('predict', predictFlags, argv);
  const [file, ...images] = positionals;
  if (!file) throw new UsageError('predict: missing MODEL (a .fovea or .onnx file, a TF.js model or nsfwjs:NAME)');
  if (!images.length) throw new UsageError('predict: missing IMAGE (one or more PNG/JPEG/WebP files, or with --out folders and glob patterns)');
  const many = images.some((p) => isGlob(p) && !existsSync(p)) || images.some((p) => existsSync(p) && statSync(p).isDirectory());
  if (many && v.out === undefined) throw new UsageError(`predict: '${images.find((p) => (isGlob(p) && !existsSync(p)) || (existsSync(p) && statSync(p).isDirectory()))}' is a folder or pattern: give --out predictions.csv (or .jsonl) to predict every image in it`);
  if (v.out !== undefined && v.chart !== undefined) throw new UsageError('predict: --chart is for single images, not with --out');
  const loaded = loadAnyModel(file);
  const { model, meta } = loaded;
  checkClassifier(loaded, 'predict');
  if (v.out !== undefined) {
    await predictFolder(file, loaded, images, { out: v.out, top: v.top, batchSize: v.batchSize, workers: v.workers, invert: v.invert, json: v.json });
    return;
  }
  const k = Math.min(v.top, meta.classNames.length);
  inputChannels(meta, file);
  const chart = v.chart ?? null;
  const chartFile = (image: string): string | null => {
    if (chart === null) return null;
    if (/\.png$/i.test(chart)) {
      if (images.length > 1) throw new UsageError(`--chart: '${chart}' is one file but ${images.length} images were given; give a folder`);
      return chart;
    }
    return join(chart, `${basename(image).replace(/\.[^.]*$/, '')}.top${k}.png`);
  };
  if (chart !== null && !/\.png$/i.test(chart)) mkdirSync(chart, { recursive: true });
  const results = [];
  for (const path of images) {
    const { x, notes } = await loadModelInput(path, meta, { invert: v.invert });
    for (const note of notes) process.stderr.write(`fovea predict: note: ${note}\n`);
    const probs = noGrad(() => softmax(model.forward(x), 1)).data;
    const top = topK(probs, k, meta.classNames);
    const figure = chartFile(path);
    if (figure) await writeFileAtomic(figure, await predictionFigure(path, probs, meta.classNames, { topK: k, title: basename(path) }));
    results.push({ image: path, top, ...(notes.length ? { notes } : {}), ...(figure ? { chart: figure } : {}) });
  }
  if (v.json) {
    printJson({ command: 'predict', model: file, results });
    return;
  }
  for (const r of results) {
    process.stdout.write(`${r.image}${r.chart ? ` (chart: ${r.chart})` : ''}\n`);
    for (const t of r.top) {
      const bar = '█'.repeat(Math.round(t.probability * 30));
      process.stdout.write(`  ${t.class.padEnd(12)} ${(t.probability * 100).toFixed(2).padStart(6)}%  ${bar}\n`);
    }
  }
}
