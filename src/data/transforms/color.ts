/**
 * Colour operations on float CHW images in [0, 1]: grayscale and the four
 * adjustments behind `colorJitter`, torchvision's `F.rgb_to_grayscale`,
 * `F.adjust_brightness`, `F.adjust_contrast`, `F.adjust_saturation`, `F.adjust_hue`.
 */
import { ValueError } from '../../errors.js';
import { checkImageF32, type ImageF32 } from '../../vision/image-f32.js';

/** ITU-R 601-2 luma weights, as OpenCV's `COLOR_RGB2GRAY` and PIL's `convert('L')` (torchvision uses 0.2989 for red). */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/**
 * Luma `0.299 R + 0.587 G + 0.114 B` of an RGB image, as 1 channel or
 * repeated into 3 (torchvision's `Grayscale(num_output_channels)`); a
 * 1-channel image is copied (repeated for 3).
 *
 * Shape: `[1 | 3, H, W]` → `[numOutputChannels, H, W]`.
 *
 * @throws {ValueError} for other channel counts.
 * @example const gray = rgbToGrayscale(photo);          // [3, H, W] → [1, H, W]
 */
export function rgbToGrayscale(img: ImageF32, numOutputChannels: 1 | 3 = 1): ImageF32 {
  checkImageF32(img, 'grayscale');
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new ValueError(`grayscale: numOutputChannels is ${String(numOutputChannels)}; expected 1 or 3`);
  const { channels, height, width, data } = img;
  const plane = height * width;
  let luma: Float32Array;
  if (channels === 1) luma = data.slice();
  else if (channels === 3) {
    luma = new Float32Array(plane);
    const [wr, wg, wb] = LUMA_WEIGHTS;
    for (let i = 0; i < plane; i++) luma[i] = wr * data[i]! + wg * data[plane + i]! + wb * data[2 * plane + i]!;
  } else throw new ValueError(`grayscale: the image has ${channels} channels; expected 1 or 3`);
  if (numOutputChannels === 1) return { channels: 1, height, width, data: luma };
  const out = new Float32Array(3 * plane);
  out.set(luma, 0);
  out.set(luma, plane);
  out.set(luma, 2 * plane);
  return { channels: 3, height, width, data: out };
}

/**
 * Brightness: `clamp(factor * img, 0, 1)` (0 gives black, 1 the original).
 * Shape: `[C, H, W]` → `[C, H, W]`.
 * @example adjustBrightness(img, 1.2);
 */
export function adjustBrightness(img: ImageF32, factor: number): ImageF32 {
  checkFactor(factor, 'adjustBrightness');
  checkImageF32(img, 'adjustBrightness');
  return blend(img, () => 0, factor);
}

/**
 * Contrast: blends with the mean gray level of the whole image,
 * `clamp(factor * img + (1 - factor) * mean(luma), 0, 1)` (0 gives flat gray).
 * Shape: `[C, H, W]` (C = 1 or 3) → `[C, H, W]`.
 * @example adjustContrast(img, 0.8);
 */
export function adjustContrast(img: ImageF32, factor: number): ImageF32 {
  checkFactor(factor, 'adjustContrast');
  const gray = rgbToGrayscale(img, 1).data;
  let sum = 0;
  for (let i = 0; i < gray.length; i++) sum += gray[i]!;
  const mean = gray.length ? sum / gray.length : 0;
  return blend(img, () => mean, factor);
}

/**
 * Saturation: blends with the image's own grayscale version,
 * `clamp(factor * img + (1 - factor) * luma, 0, 1)` (0 gives gray, 1 the
 * original); a 1-channel image is returned unchanged, like torchvision.
 * Shape: `[C, H, W]` → `[C, H, W]`.
 * @example adjustSaturation(img, 1.5);
 */
export function adjustSaturation(img: ImageF32, factor: number): ImageF32 {
  checkFactor(factor, 'adjustSaturation');
  if (img.channels === 1) return { ...img, data: img.data.slice() };
  const gray = rgbToGrayscale(img, 1).data;
  const plane = img.height * img.width;
  return blend(img, (i) => gray[i % plane]!, factor);
}

/**
 * Hue: rotates every pixel's hue by `factor` turns (in [-0.5, 0.5]) through
 * HSV, as torchvision's tensor `adjust_hue`; a 1-channel image is returned unchanged.
 * Shape: `[C, H, W]` → `[C, H, W]`.
 * @example adjustHue(img, 0.1);
 */
export function adjustHue(img: ImageF32, factor: number): ImageF32 {
  if (!(factor >= -0.5 && factor <= 0.5)) throw new ValueError(`adjustHue: hue factor is ${factor}; expected a number in [-0.5, 0.5]`);
  checkImageF32(img, 'adjustHue');
  if (img.channels === 1) return { ...img, data: img.data.slice() };
  if (img.channels !== 3) throw new ValueError(`adjustHue: the image has ${img.channels} channels; expected 1 or 3`);
  const plane = img.height * img.width;
  const src = img.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < plane; i++) {
    const r = src[i]!;
    const g = src[plane + i]!;
    const b = src[2 * plane + i]!;
    // torchvision's _rgb2hsv
    const maxc = Math.max(r, g, b);
    const minc = Math.min(r, g, b);
    const eqc = maxc === minc;
    const cr = maxc - minc;
    const s = cr / (eqc ? 1 : maxc);
    const div = eqc ? 1 : cr;
    const rc = (maxc - r) / div;
    const gc = (maxc - g) / div;
    const bc = (maxc - b) / div;
    const hRaw = maxc === r ? bc - gc : maxc === g ? 2 + rc - bc : 4 + gc - rc;
    let h = (hRaw / 6 + 1) % 1;
    h = (((h + factor) % 1) + 1) % 1; // Python's %: always non-negative
    // torchvision's _hsv2rgb
    const v = maxc;
    const i6 = Math.floor(h * 6);
    const f = h * 6 - i6;
    const p = clamp01(v * (1 - s));
    const q = clamp01(v * (1 - s * f));
    const t = clamp01(v * (1 - s * (1 - f)));
    const sector = ((i6 % 6) + 6) % 6;
    // sector 0..5: (v,t,p) (q,v,p) (p,v,t) (p,q,v) (t,p,v) (v,p,q)
    out[i] = sector === 0 || sector === 5 ? v : sector === 1 ? q : sector === 4 ? t : p;
    out[plane + i] = sector === 1 || sector === 2 ? v : sector === 0 ? t : sector === 3 ? q : p;
    out[2 * plane + i] = sector === 3 || sector === 4 ? v : sector === 2 ? t : sector === 5 ? q : p;
  }
  return { channels: 3, height: img.height, width: img.width, data: out };
}

/** `clamp(factor * img + (1 - factor) * other(i), 0, 1)`, torchvision's `_blend` for float images. */
function blend(img: ImageF32, other: (i: number) => number, factor: number): ImageF32 {
  checkImageF32(img, 'blend');
  const src = img.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = clamp01(factor * src[i]! + (1 - factor) * other(i));
  return { channels: img.channels, height: img.height, width: img.width, data: out };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function checkFactor(factor: number, op: string): void {
  if (!(factor >= 0) || !Number.isFinite(factor)) throw new ValueError(`${op}: factor is ${factor}; expected a finite non-negative number`);
}
