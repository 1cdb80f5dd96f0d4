/**
 * Pixel-exact geometric operations on float CHW images (no interpolation):
 * crop, pad, horizontal and vertical flip. The functional forms behind the
 * crop and flip transforms, torchvision's `F.crop`, `F.pad`, `F.hflip`, `F.vflip`.
 */
import { ValueError } from '../../errors.js';
import { borderInterpolate, type BorderMode } from '../../vision/border.js';
import { checkImageF32, type ImageF32 } from '../../vision/image-f32.js';
import { fillPerChannel } from './util.js';

/**
 * torchvision's padding modes: `'constant'` (the fill value), `'edge'` (the
 * edge pixel repeated), `'reflect'` (mirrored without repeating the edge:
 * `dcb|abcd|cba`), `'symmetric'` (mirrored with the edge: `cba|abcd|dcb`).
 */
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

const BORDER_OF: Record<PaddingMode, BorderMode> = { constant: 'constant', edge: 'replicate', reflect: 'reflect101', symmetric: 'reflect' };

/**
 * Padding as torchvision takes it: one number for all four sides, `[lr, tb]`
 * (left/right, top/bottom) or `[left, top, right, bottom]`.
 */
export type Padding = number | readonly [number, number] | readonly [number, number, number, number];

/** `padding` as [left, top, right, bottom] non-negative integers. */
export function paddingLtrb(padding: Padding, op: string): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding, padding, padding, padding] : padding.length === 2 ? [padding[0], padding[1], padding[0], padding[1]] : [...padding];
  if (p.length !== 4 || !p.every((v) => Number.isInteger(v) && v! >= 0)) {
    throw new ValueError(`${op}: padding is ${JSON.stringify(padding)}; expected a non-negative integer, [left/right, top/bottom] or [left, top, right, bottom]`);
  }
  return p as [number, number, number, number];
}

/**
 * Pads an image on each side, like torchvision's `F.pad(img, padding, fill, padding_mode)`.
 *
 * Shape: `[C, H, W]` → `[C, H + top + bottom, W + left + right]`.
 *
 * @example padImage(img, 4, 0, 'constant'); // 32x32 → 40x40 with a black frame
 */
export function padImage(img: ImageF32, padding: Padding, fill: number | readonly number[] = 0, mode: PaddingMode = 'constant'): ImageF32 {
  checkImageF32(img, 'pad');
  if (!(mode in BORDER_OF)) throw new ValueError(`pad: padding mode is '${String(mode)}'; expected constant, edge, reflect or symmetric`);
  const [l, t, r, b] = paddingLtrb(padding, 'pad');
  if (mode !== 'constant' && (img.height === 0 || img.width === 0)) throw new ValueError(`pad: cannot ${mode}-pad an empty ${img.height}x${img.width} image`);
  const fills = fillPerChannel(fill, img.channels, 'pad');
  return remap(img, t, l, img.height + t + b, img.width + l + r, fills, BORDER_OF[mode]);
}

/**
 * The `height` x `width` window whose top-left corner is (`top`, `left`),
 * like torchvision's `F.crop`; parts of the window outside the image are
 * filled with `fill` (default 0), as torchvision pads tensors.
 *
 * Shape: `[C, H, W]` → `[C, height, width]`.
 *
 * @example cropImage(img, 2, 2, 28, 28); // the 28x28 window starting at row 2, column 2
 */
export function cropImage(img: ImageF32, top: number, left: number, height: number, width: number, fill: number | readonly number[] = 0): ImageF32 {
  checkImageF32(img, 'crop');
  if (![top, left, height, width].every(Number.isInteger) || height < 0 || width < 0) {
    throw new ValueError(`crop: top ${top}, left ${left}, height ${height}, width ${width}; expected integers with non-negative height and width`);
  }
  return remap(img, -top, -left, height, width, fillPerChannel(fill, img.channels, 'crop'), 'constant');
}

/**
 * Mirrors the image left to right (torchvision's `F.hflip`).
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 * @example hflipImage(img);
 */
export function hflipImage(img: ImageF32): ImageF32 {
  checkImageF32(img, 'hflip');
  const { channels, height, width, data } = img;
  const out = new Float32Array(data.length);
  for (let row = 0; row < channels * height; row++) {
    const base = row * width;
    for (let x = 0; x < width; x++) out[base + x] = data[base + width - 1 - x]!;
  }
  return { channels, height, width, data: out };
}

/**
 * Mirrors the image top to bottom (torchvision's `F.vflip`).
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 * @example vflipImage(img);
 */
export function vflipImage(img: ImageF32): ImageF32 {
  checkImageF32(img, 'vflip');
  const { channels, height, width, data } = img;
  const out = new Float32Array(data.length);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const src = (c * height + y) * width;
      out.set(data.subarray(src, src + width), (c * height + height - 1 - y) * width);
    }
  }
  return { channels, height, width, data: out };
}

/** Output (y, x) takes input (y - dy, x - dx), with `border` deciding pixels outside the input. */
function remap(img: ImageF32, dy: number, dx: number, oh: number, ow: number, fills: readonly number[], border: BorderMode): ImageF32 {
  const { channels, height, width, data } = img;
  const out = new Float32Array(channels * oh * ow);
  const rowOf = Int32Array.from({ length: oh }, (_, y) => borderInterpolate(y - dy, height, border));
  const colOf = Int32Array.from({ length: ow }, (_, x) => borderInterpolate(x - dx, width, border));
  for (let c = 0; c < channels; c++) {
    const fill = fills[c]!;
    for (let y = 0; y < oh; y++) {
      const sy = rowOf[y]!;
      const dst = (c * oh + y) * ow;
      const src = (c * height + sy) * width;
      for (let x = 0; x < ow; x++) {
        const sx = colOf[x]!;
        out[dst + x] = sy < 0 || sx < 0 ? fill : data[src + sx]!;
      }
    }
  }
  return { channels, height: oh, width: ow, data: out };
}
