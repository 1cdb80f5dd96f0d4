import { ValueError } from '../../errors.js';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './color.js';
import { withSpec, type Transform } from './transform.js';
import { orderedPair, uniform } from './util.js';

/** Options of {@link colorJitter}: each a strength v (range [max(0, 1 - v), 1 + v]; hue [-v, v]) or a [min, max] range. */
export interface ColorJitterOptions {
  brightness?: number | readonly [number, number];
  contrast?: number | readonly [number, number];
  saturation?: number | readonly [number, number];
  /** At most 0.5 (half a turn of the colour wheel). */
  hue?: number | readonly [number, number];
}

/**
 * torchvision's `ColorJitter(brightness, contrast, saturation, hue)`: draws
 * a random order of the four adjustments (`randperm(4)`), then one factor
 * per enabled adjustment (brightness, contrast, saturation, hue, in that
 * order), and applies them in the drawn order. A strength of 0 (or omitted)
 * turns that adjustment off. Saturation and hue leave 1-channel images alone.
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @throws {ValueError} for negative strengths, a hue above 0.5, malformed ranges.
 * @example const t = colorJitter({ brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.05 });
 */
export function colorJitter(options: ColorJitterOptions = {}): Transform {
  const b = factorRange(options.brightness, 'brightness');
  const c = factorRange(options.contrast, 'contrast');
  const s = factorRange(options.saturation, 'saturation');
  const h = hueRange(options.hue);
  return withSpec((img, rng) => {
    const order = rng.permutation(4);
    const bf = b ? uniform(rng, b[0], b[1]) : null;
    const cf = c ? uniform(rng, c[0], c[1]) : null;
    const sf = s ? uniform(rng, s[0], s[1]) : null;
    const hf = h ? uniform(rng, h[0], h[1]) : null;
    let x = img;
    for (const fn of order) {
      if (fn === 0 && bf !== null) x = adjustBrightness(x, bf);
      else if (fn === 1 && cf !== null) x = adjustContrast(x, cf);
      else if (fn === 2 && sf !== null) x = adjustSaturation(x, sf);
      else if (fn === 3 && hf !== null) x = adjustHue(x, hf);
    }
    return x === img ? { ...img, data: img.data.slice() } : x;
  }, 'colorJitter', [options]);
}

/** torchvision's `_check_input(value, name)` for brightness, contrast and saturation; null = off. */
function factorRange(value: number | readonly [number, number] | undefined, name: string): [number, number] | null {
  if (value === undefined) return null;
  let range: [number, number];
  if (typeof value === 'number') {
    if (!(value >= 0) || !Number.isFinite(value)) throw new ValueError(`colorJitter: ${name} is ${value}; expected a non-negative number`);
    range = [Math.max(0, 1 - value), 1 + value];
  } else {
    range = orderedPair(value, 'colorJitter', name);
    if (range[0] < 0) throw new ValueError(`colorJitter: ${name} range [${range.join(', ')}] must not go below 0`);
  }
  return range[0] === 1 && range[1] === 1 ? null : range;
}

function hueRange(value: number | readonly [number, number] | undefined): [number, number] | null {
  if (value === undefined) return null;
  let range: [number, number];
  if (typeof value === 'number') {
    if (!(value >= 0 && value <= 0.5)) throw new ValueError(`colorJitter: hue is ${value}; expected a number in [0, 0.5]`);
    range = [-value, value];
  } else {
    range = orderedPair(value, 'colorJitter', 'hue');
    if (range[0] < -0.5 || range[1] > 0.5) throw new ValueError(`colorJitter: hue range [${range.join(', ')}] must lie within [-0.5, 0.5]`);
  }
  return range[0] === 0 && range[1] === 0 ? null : range;
}
