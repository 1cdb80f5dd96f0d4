/**
 * `fovea augment IMAGE --transform LIST -o grid.png`: a sheet of randomly
 * augmented copies of one image, to see what an augmentation list does
 * before training with it.
 */
import { parseTransforms, TRANSFORM_SYNTAX } from '../../data/transforms/parse-transforms.js';
import { ValueError } from '../../errors.js';
import { Generator } from '../../util/random.js';
import { imageF32FromData8, imageF32ToData8 } from '../../vision/image-f32.js';
import { loadImageFile } from '../../vision/image-file.js';
import { makeGrid } from '../../vision/make-grid.js';
import { writePng } from '../../vision/write-png.js';
import { UsageError } from '../cli-error.js';
import { int, num, parse, printJson, str, type Options } from '../options.js';
import { parseSize } from './data-source.js';

export const augmentHelp = `fovea augment IMAGE --transform LIST -o GRID.png [options]

Applies a random augmentation list to one image N times (seeded) and writes the
results side by side as one PNG: a grid of ceil(sqrt(N)) columns with 2-pixel
white gaps (the first sample is the top-left one).

  --transform LIST  the augmentation list, as for 'fovea train --augment' (below)
  -n N              how many samples (default 16, at most 256)
  --seed N          default 1; the same seed gives the same grid
  --size N|HxW      resize the image first (bilinear), e.g. to the training size
  --channels 1|3    grayscale or RGB (default 3)
  --nrow N          samples per row (default ceil(sqrt(N)))
  -o, --out FILE    the PNG to write (written atomically)
  --json            print a JSON summary

LIST: ${TRANSFORM_SYNTAX.replace(/\n/g, '\n  ')}`;

const options: Options = {
  transform: { type: 'string' }, n: { type: 'string', short: 'n' }, seed: { type: 'string' }, size: { type: 'string' },
  channels: { type: 'string' }, nrow: { type: 'string' }, out: { type: 'string', short: 'o' }, json: { type: 'boolean' },
};

export async function augmentCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, options, 'augment');
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('augment: missing IMAGE (a PNG, JPEG or WebP file)');
  if (extra.length) throw new UsageError(`augment: unexpected argument '${extra[0]}' (one image at a time)`);
  const out = v['out'];
  if (typeof out !== 'string' || out === '') throw new UsageError('augment: missing -o GRID.png (where to write the grid)');
  const spec = v['transform'];
  if (typeof spec !== 'string') throw new UsageError('augment: missing --transform LIST, e.g. --transform "hflip,rotate:20,affine:translate=0.1,scale=0.9-1.1"');
  const n = num(v, 'n', 16, (x) => Number.isInteger(x) && x >= 1 && x <= 256);
  const seed = num(v, 'seed', 1, int);
  const channels = num(v, 'channels', 3, (x) => x === 1 || x === 3) as 1 | 3;
  const nrow = num(v, 'nrow', Math.ceil(Math.sqrt(n)), (x) => Number.isInteger(x) && x >= 1);
  const size = v['size'] === undefined ? undefined : parseSize(str(v, 'size', ''), '--size');

  const img = imageF32FromData8(await loadImageFile(file, { channels, ...(size ? { size } : {}) }));
  let transform;
  try {
    transform = parseTransforms(spec, { height: img.height, width: img.width }).transform;
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(`--transform: ${e.message}`);
    throw e;
  }
  const rng = new Generator(seed);
  const samples = Array.from({ length: n }, () => transform(img, rng));
  const grid = makeGrid(samples, { nrow, padding: 2, padValue: 1 });
  await writePng(out, imageF32ToData8(grid));
  if (v['json']) {
    printJson({ command: 'augment', input: file, transform: spec, n, seed, sample: [img.channels, img.height, img.width], grid: [grid.height, grid.width], out });
    return;
  }
  process.stdout.write(`${n} samples of ${file} (${img.width}x${img.height}) through ${spec}, seed ${seed}\nwrote ${out} (${grid.width}x${grid.height})\n`);
}
