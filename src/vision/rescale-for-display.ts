/**
 * Mapping filter outputs, which may be negative or above 1, onto [0, 1] so
 * that they can be shown or saved as 8-bit pictures.
 */
import { ValueError } from '../errors.js';
import { checkImageF32, type ImageF32 } from './image-f32.js';

/**
 * How {@link rescaleForDisplay} maps values onto [0, 1]:
 *
 * - `'clip'`: values as they are, clamped to [0, 1] (for blur and sharpen,
 *   whose kernels sum to 1 and keep the photo's brightness);
 * - `'signed'`: `[-M, +M]` → `[0, 1]` with M = max |v|, so 0 is mid-gray,
 *   negative responses darker and positive ones brighter (for zero-sum
 *   kernels: edges, Sobel x/y, Laplacian);
 * - `'abs'`: `|v| / M`, black where there is no response, white at the
 *   strongest of either sign;
 * - `'minmax'`: `(v - min) / (max - min)`, OpenCV's `NORM_MINMAX` (for the
 *   non-negative Sobel magnitude: black = flat, white = strongest edge).
 *
 * An all-zero image maps to 0.5 under `'signed'` and to 0 under `'abs'`; a
 * constant image maps to 0.5 under `'minmax'`.
 */
export type DisplayMode = 'clip' | 'signed' | 'abs' | 'minmax';

/** Every {@link DisplayMode}. */
export const DISPLAY_MODES: readonly DisplayMode[] = ['clip', 'signed', 'abs', 'minmax'];

/**
 * A copy of `img` with its values mapped onto [0, 1] by `mode` (see
 * {@link DisplayMode}); M, min and max are taken over the whole image, all
 * channels together, so colours keep their balance. NaN maps to 0.
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @example
 * const shown = rescaleForDisplay(filter2d(gray, sobelX), 'signed');
 * await writePng('sobel-x.png', imageF32ToData8(shown));
 */
export function rescaleForDisplay(img: ImageF32, mode: DisplayMode): ImageF32 {
  checkImageF32(img, 'rescaleForDisplay');
  if (!DISPLAY_MODES.includes(mode)) throw new ValueError(`rescaleForDisplay: unknown mode '${String(mode)}'; expected one of ${DISPLAY_MODES.join(', ')}`);
  const src = img.data;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const m = Math.max(Math.abs(min), Math.abs(max));
  const map: (v: number) => number =
    mode === 'clip' ? (v) => Math.min(1, Math.max(0, v))
      : mode === 'signed' ? (m > 0 && Number.isFinite(m) ? (v) => 0.5 + v / (2 * m) : () => 0.5)
        : mode === 'abs' ? (m > 0 && Number.isFinite(m) ? (v) => Math.abs(v) / m : () => 0)
          : max > min && Number.isFinite(max - min) ? (v) => (v - min) / (max - min) : () => 0.5;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = map(src[i]!);
    out[i] = Number.isNaN(v) ? 0 : v;
  }
  return { channels: img.channels, height: img.height, width: img.width, data: out };
}
