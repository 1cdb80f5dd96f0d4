/**
 * `fovea filter PHOTO --kernel K -o out.png`: a photo in grayscale through
 * one hand-made filter (OpenCV's filter2D semantics), saved as a picture.
 */
import { existsSync } from 'node:fs';
import { BORDER_MODES, parseBorderMode } from '../../vision/border.js';
import { blur, edge4Filters, gaussianKernel, laplacian, sharpen, sobel, sobelX, sobelY } from '../../vision/filter-presets.js';
import { filter2d } from '../../vision/filter2d.js';
import { imageF32FromData8, imageF32ToData8, type ImageF32 } from '../../vision/image-f32.js';
import { loadImageFile } from '../../vision/image-file.js';
import { readKernelFile } from '../../vision/kernel-file.js';
import type { Kernel } from '../../vision/kernel.js';
import { DISPLAY_MODES, rescaleForDisplay, type DisplayMode } from '../../vision/rescale-for-display.js';
import { writePng } from '../../vision/write-png.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

/** The named kernels; `sobel` (the gradient magnitude) is handled apart. */
const PRESETS: Record<string, Kernel> = {
  'sobel-x': sobelX,
  'sobel-y': sobelY,
  blur,
  gaussian: gaussianKernel(5),
  sharpen,
  laplacian,
  edge4: edge4Filters[0]!,
  'edge4-neg': edge4Filters[1]!,
  'edge4-h': edge4Filters[2]!,
  'edge4-h-neg': edge4Filters[3]!,
};
const NAMES = ['sobel', ...Object.keys(PRESETS)];

export const filterFlags = {
  kernel: flag.string({ arg: 'K', help: `sobel-x | sobel-y | sobel (gradient magnitude) | blur (3x3 box) |
gaussian (5x5) | sharpen | laplacian | edge4 (the tutorial's 4x4
vertical-edge filter) | edge4-neg | edge4-h (its transpose) |
edge4-h-neg | FILE.json (a 2-D array of numbers, rows top to bottom,
e.g. [[1, 0, -1], [2, 0, -2], [1, 0, -1]])` }),
  border: flag.string({ arg: 'MODE', default: 'reflect101', defaultText: "reflect101, OpenCV's BORDER_DEFAULT", help: BORDER_MODES.join(' | ') }),
  value: flag.number({ arg: 'V', default: 0, help: 'outside value for --border constant' }),
  display: flag.enum(['auto', ...DISPLAY_MODES], { arg: 'MODE', help: `how filter outputs become 0..255 (default auto):
  signed  [-M, +M] -> [0, 255] with M = max |v|: mid-gray = 0, darker =
          negative, brighter = positive (auto for kernels summing to 0:
          sobel-x/-y, laplacian, edge4*)
  abs     |v| / M -> [0, 255]: black = no response (auto for sobel)
  clip    v clamped to [0, 1] -> [0, 255] (auto for blur, gaussian,
          sharpen and other kernels that keep brightness)
  minmax  [min, max] -> [0, 255]` }),
  size: flag.size({ help: 'resize the photo first (bilinear); default: its own size' }),
  out: flag.string({ arg: 'FILE', short: 'o', help: 'the PNG to write (written atomically)' }),
  json: jsonFlag('print a JSON summary (kernel, size, value range)'),
};

export const filterHelp = helpPage({
  usage: 'fovea filter PHOTO --kernel K -o OUT.png [options]',
  flags: filterFlags,
  about: `Converts the photo to grayscale (0.299 R + 0.587 G + 0.114 B, values in [0, 1]),
filters it as OpenCV's cv2.filter2D does (a correlation, same output size, the
border made up by --border), and writes the result as an 8-bit grayscale PNG.`,
});

export async function filterCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('filter', filterFlags, argv);
  const [photo, ...extra] = positionals;
  if (!photo) throw new UsageError('filter: missing PHOTO (a PNG, JPEG or WebP file)');
  if (extra.length) throw new UsageError(`filter: unexpected argument '${extra[0]}' (one photo at a time)`);
  const out = v.out;
  if (out === undefined || out === '') throw new UsageError('filter: missing -o OUT.png (where to write the filtered picture)');
  const kernelArg = v.kernel;
  if (kernelArg === undefined) throw new UsageError(`filter: missing --kernel (${NAMES.join(', ')} or FILE.json)`);
  let border;
  try {
    border = parseBorderMode(v.border, '--border');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { value, size } = v;
  const displayArg = v.display ?? 'auto';

  // Read the kernel before decoding the photo: a bad kernel file fails fast.
  const kernel = kernelArg === 'sobel' ? null : await resolveKernel(kernelArg);
  const img = imageF32FromData8(await loadImageFile(photo, { channels: 1, ...(size ? { size } : {}) }));
  const opts = { border, value };
  const filtered: ImageF32 = kernel === null ? sobel(img, opts) : filter2d(img, kernel, opts);
  const display: DisplayMode = displayArg !== 'auto' ? (displayArg as DisplayMode) : kernel === null ? 'abs' : autoDisplay(kernel);
  await writePng(out, imageF32ToData8(rescaleForDisplay(filtered, display)));

  let min = Infinity;
  let max = -Infinity;
  for (const x of filtered.data) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (v.json) {
    printJson({
      command: 'filter', input: photo, kernel: kernelArg, kernelSize: kernel ? [kernel.length, kernel[0]!.length] : [3, 3],
      border, display, width: filtered.width, height: filtered.height, min, max, out,
    });
    return;
  }
  process.stdout.write(`${photo} (${img.width}x${img.height}, grayscale) * ${kernelArg}, border ${border}: values ${min.toPrecision(4)} .. ${max.toPrecision(4)}, shown ${display}\nwrote ${out}\n`);
}

async function resolveKernel(arg: string): Promise<Kernel> {
  const preset = PRESETS[arg];
  if (preset) return preset;
  if (!arg.toLowerCase().endsWith('.json') && !existsSync(arg)) {
    throw new UsageError(`--kernel: unknown kernel '${arg}'; use one of ${NAMES.join(', ')}, or a JSON file holding a 2-D array of numbers`);
  }
  return readKernelFile(arg);
}

/** Zero-sum kernels (derivatives) respond with both signs: show them signed; the others keep brightness: clip. */
function autoDisplay(kernel: Kernel): DisplayMode {
  let sum = 0;
  let scale = 0;
  for (const row of kernel) for (const x of row) {
    sum += x;
    scale += Math.abs(x);
  }
  return Math.abs(sum) <= 1e-9 * Math.max(1, scale) ? 'signed' : 'clip';
}
