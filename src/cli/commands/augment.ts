/**
 * `fovea augment IMAGE --transform LIST -o grid.png`: a sheet of randomly
 * augmented copies of one image, to see what an augmentation list does
 * before training with it.
 */
import { parseTransforms, TRANSFORM_SYNTAX } from '../../data/transforms/parse-transforms.js';
import { ValueError } from '../../errors.js';
import { Generator } from '../../util/random.js';
import { imageF32FromData8, imageF32ToData8 } from '../../vision/image-f32.js';
import { loadImageFile, readImageFileSize } from '../../vision/image-file.js';
import { ImageError } from '../../vision/image-error.js';
import { formatBytes } from '../../util/memory-estimate.js';
import { makeGrid } from '../../vision/make-grid.js';
import { writePng } from '../../vision/write-png.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const augmentFlags = {
  transform: flag.string({ arg: 'LIST', help: "the augmentation list, as for 'fovea train --augment' (below)" }),
  n: flag.int({ min: 1, max: 256, default: 16, help: 'how many samples' }),
  seed: flag.int({ min: 0, default: 1, help: 'the same seed gives the same grid' }),
  size: flag.size({ help: 'resize the image first (bilinear), e.g. to the training size' }),
  channels: flag.enum(['1', '3'], { arg: '1|3', default: '3', help: 'grayscale or RGB' }),
  nrow: flag.int({ min: 1, help: 'samples per row (default ceil(sqrt(N)))' }),
  'max-memory': flag.number({ arg: 'GIB', above: 0, default: 2, help: 'refuse when the estimated memory (samples and grid) is above this many GiB' }),
  out: flag.string({ arg: 'FILE', short: 'o', help: 'the PNG to write (written atomically)' }),
  json: jsonFlag('print a JSON summary'),
};

export const augmentHelp = helpPage({
  usage: 'fovea augment IMAGE --transform LIST -o GRID.png [options]',
  flags: augmentFlags,
  notes: `LIST: ${TRANSFORM_SYNTAX.replace(/\n/g, '\n  ')}`,
  about: `Applies a random augmentation list to one image N times (seeded) and writes the
results side by side as one PNG: a grid of ceil(sqrt(N)) columns with 2-pixel
white gaps (the first sample is the top-left one).`,
});

export async function augmentCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('augment', augmentFlags, argv);
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('augment: missing IMAGE (a PNG, JPEG or WebP file)');
  if (extra.length) throw new UsageError(`augment: unexpected argument '${extra[0]}' (one image at a time)`);
  const out = v.out;
  if (out === undefined || out === '') throw new UsageError('augment: missing -o GRID.png (where to write the grid)');
  const spec = v.transform;
  if (spec === undefined) throw new UsageError('augment: missing --transform LIST, e.g. --transform "hflip,rotate:20,affine:translate=0.1,scale=0.9-1.1"');
  const { n, seed, size } = v;
  const channels = Number(v.channels) as 1 | 3;
  const nrow = v.nrow ?? Math.ceil(Math.sqrt(n));

  // Estimated from the header, before a pixel is decoded: n float32 samples, the source, and the grid (float32 and bytes).
  const source = await readImageFileSize(file);
  const [h, w] = size ?? [source.height, source.width];
  const perCopy = channels * h * w * 4;
  const rows = Math.ceil(n / nrow);
  const gridBytes = channels * (rows * (h + 2) + 2) * (Math.min(n, nrow) * (w + 2) + 2) * 5;
  const estimate = (n + 1) * perCopy + gridBytes, limit = v.maxMemory * 2 ** 30;
  if (estimate > limit) {
    throw new ImageError(file, `${w}x${h} ${channels === 1 ? 'grayscale' : 'RGB'} needs ${formatBytes(perCopy)} per copy; ${n} samples and their grid need ${formatBytes(estimate)}, above the limit of ${formatBytes(limit)} (--max-memory to raise it, or a smaller --size or -n)`);
  }
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
  if (v.json) {
    printJson({ command: 'augment', input: file, transform: spec, n, seed, sample: [img.channels, img.height, img.width], grid: [grid.height, grid.width], out });
    return;
  }
  process.stdout.write(`${n} samples of ${file} (${img.width}x${img.height}) through ${spec}, seed ${seed}\nwrote ${out} (${grid.width}x${grid.height})\n`);
}
