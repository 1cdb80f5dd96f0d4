/**
 * `fovea explain MODEL IMAGE -o DIR`: every layer's activations, the first
 * conv layer's filters and the class probabilities for one image, as
 * pictures and an index.html that shows them in order.
 */
import { basename, extname, join } from 'node:path';
import { explainModel } from '../../explain/explain-model.js';
import { writePage } from '../../explain/write-page-node.js';
import { loadModel } from '../../io/model-file-node.js';
import { Tensor } from '../../tensor/tensor.js';
import { loadImageFile } from '../../vision/image-file.js';
import { imageToTensorData } from '../../vision/image.js';
import { UsageError } from '../cli-error.js';
import { num, parse, printJson, type Options } from '../options.js';

export const explainHelp = `fovea explain MODEL IMAGE [-o DIR] [options]

Shows what a model does with one image. Writes into DIR:
  00-input.png               the image as the model sees it (its input size and channels)
  01-filters-<layer>.png     the first conv layer's filters
  NN-<layer>-<type>.png      every layer's output in order: each channel's feature map
                             (conv, after ReLU, after pooling) or the values of a vector
  NN-probabilities.svg/.png  the top classes with their probabilities
  index.html                 all of them in order with one-line captions (works offline)

  -o, --out DIR  output folder (default <image name>.explain), created if missing
  --top K        classes in the probability chart (default 5)
  --invert       invert intensities first (dark-on-light drawings for an MNIST model)
  --json         machine-readable output`;

const options: Options = { out: { type: 'string', short: 'o' }, top: { type: 'string' }, invert: { type: 'boolean' }, json: { type: 'boolean' } };

export async function explainCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, options, 'explain');
  const [file, image, extra] = positionals;
  if (!file) throw new UsageError('explain: missing MODEL (a .fovea file)');
  if (!image) throw new UsageError('explain: missing IMAGE (a PNG/JPEG file)');
  if (extra) throw new UsageError(`explain: unexpected argument '${extra}' (one MODEL and one IMAGE)`);
  const top = num(v, 'top', 5, (x) => Number.isInteger(x) && x >= 1);
  const out = typeof v['out'] === 'string' ? v['out'] : `${basename(image, extname(image))}.explain`;
  // Read both inputs before anything is written: bad input leaves no folder behind.
  const { model, meta } = loadModel(file);
  const [c, h, w] = meta.inputShape;
  if (c !== 1 && c !== 3) throw new UsageError(`explain: model input has ${c} channels; images can be fed to 1- or 3-channel models`);
  const img = await loadImageFile(image, { channels: c, size: [h, w], fit: meta.fit ?? 'fill' });
  if (v['invert']) for (let i = 0; i < img.data.length; i++) img.data[i] = 255 - img.data[i]!;
  const x = new Tensor(imageToTensorData(img, meta.normalize.mean, meta.normalize.std), [1, c, h, w]);
  const { page, probabilities } = explainModel(model, x, {
    classNames: meta.classNames, image: img, topK: top, title: `${basename(image)} through ${basename(file)}`,
  });
  const files = await writePage(out, page);
  const ranked = Array.from(probabilities, (p, i) => ({ class: meta.classNames[i]!, index: i, probability: p }))
    .sort((a, b) => b.probability - a.probability).slice(0, Math.min(top, probabilities.length));
  if (v['json']) {
    printJson({ command: 'explain', model: file, image, out, index: join(out, 'index.html'), files, top: ranked });
    return;
  }
  process.stdout.write(`wrote ${files.length} files to ${out}; open ${join(out, 'index.html')}\n`);
  for (const r of ranked.slice(0, 3)) process.stdout.write(`  ${r.class.padEnd(12)} ${(r.probability * 100).toFixed(2).padStart(6)}%\n`);
}
