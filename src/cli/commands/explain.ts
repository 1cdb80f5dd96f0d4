/**
 * `fovea explain MODEL IMAGE -o DIR`: every layer's activations, the first
 * conv layer's filters and the class probabilities for one image, as
 * pictures and an index.html that shows them in order.
 */
import { basename, extname, join } from 'node:path';
import { explainModel } from '../../explain/explain-model.js';
import { gradCamSection } from '../../explain/grad-cam-figure.js';
import { writePage } from '../../explain/write-page-node.js';
import { checkClassifier } from '../../io/load-any-model.js';
import { loadAnyModel } from '../../io/load-any-model-node.js';
import { loadModelInput } from '../../vision/model-input-node.js';
import { topK } from '../../vision/top-k.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const explainFlags = {
  out: flag.string({ arg: 'DIR', short: 'o', help: 'output folder (default <image name>.explain), created if missing' }),
  top: flag.int({ arg: 'K', min: 1, default: 5, help: 'classes in the probability chart' }),
  invert: flag.boolean({ help: 'invert intensities first (dark-on-light drawings for an MNIST model)' }),
  gradcam: flag.boolean({ help: `also draw Grad-CAM heat maps (where the last conv maps hold the evidence
for a class) over the image, for the top 3 classes (or --class)` }),
  class: flag.list('string', { arg: 'NAMES', help: 'with --gradcam: the classes to explain, comma-separated' }),
  layer: flag.string({ arg: 'NAME', help: `with --gradcam: the layer whose maps are weighed (default the last one
giving maps; names as 'fovea summary' lists them)` }),
  json: jsonFlag(),
};

export const explainHelp = helpPage({
  usage: 'fovea explain MODEL IMAGE [-o DIR] [options]',
  flags: explainFlags,
  about: `Shows what a model does with one image. MODEL is a .fovea file, an .onnx
file, a TF.js model (model.json or its folder) or nsfwjs:NAME. Writes into DIR:
  00-input.png               the image as the model sees it (its input size and channels)
  01-filters-<layer>.png     the first conv layer's filters
  NN-<layer>-<type>.png      every layer's output in order: each channel's feature map
                             (conv, after ReLU, after pooling) or the values of a vector
  NN-probabilities.svg/.png  the top classes with their probabilities
  gradcam-R-<class>.png      with --gradcam: the image beside its Grad-CAM heat map for
                             each explained class (R: its rank), with a colour legend
  index.html                 all of them in order with one-line captions (works offline)`,
});

export async function explainCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('explain', explainFlags, argv);
  const [file, image, extra] = positionals;
  if (!file) throw new UsageError('explain: missing MODEL (a .fovea or .onnx file, a TF.js model or nsfwjs:NAME)');
  if (!image) throw new UsageError('explain: missing IMAGE (a PNG/JPEG file)');
  if (extra) throw new UsageError(`explain: unexpected argument '${extra}' (one MODEL and one IMAGE)`);
  const top = v.top;
  const out = v.out ?? `${basename(image, extname(image))}.explain`;
  if (!v.gradcam && (v.class !== undefined || v.layer !== undefined)) throw new UsageError(`--${v.class !== undefined ? 'class' : 'layer'} applies to --gradcam`);
  // Read both inputs before anything is written: bad input leaves no folder behind.
  const loaded = loadAnyModel(file);
  const { model, meta } = loaded;
  checkClassifier(loaded, 'explain');
  const { x, image: img, notes } = await loadModelInput(image, meta, { invert: v.invert });
  for (const note of notes) process.stderr.write(`fovea explain: note: ${note}\n`);
  const { page, probabilities } = explainModel(model, x, {
    classNames: meta.classNames, image: img, topK: top, title: `${basename(image)} through ${basename(file)}`,
  });
  if (v.gradcam) {
    const classes = v.class ? classIndices(v.class, meta.classNames) : undefined;
    page.sections.push(gradCamSection(model, x, img, probabilities, meta.classNames, {
      ...(classes ? { classes } : {}), ...(v.layer !== undefined ? { layer: v.layer } : {}),
    }));
  }
  const files = await writePage(out, page);
  const ranked = topK(probabilities, top, meta.classNames);
  if (v.json) {
    printJson({ command: 'explain', model: file, image, out, index: join(out, 'index.html'), files, top: ranked, ...(notes.length ? { notes } : {}) });
    return;
  }
  process.stdout.write(`wrote ${files.length} files to ${out}; open ${join(out, 'index.html')}\n`);
  for (const r of ranked.slice(0, 3)) process.stdout.write(`  ${r.class.padEnd(12)} ${(r.probability * 100).toFixed(2).padStart(6)}%\n`);
}

/** `--class daisy,roses` as class indices, or a usage error listing the model's classes. */
function classIndices(names: string[], classNames: readonly string[]): number[] {
  return names.map((name) => {
    const i = classNames.indexOf(name);
    if (i < 0) throw new UsageError(`--class: the model has no class '${name}'; its classes: ${classNames.join(', ')}`);
    return i;
  });
}
