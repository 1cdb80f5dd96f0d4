import { ValueError } from '../../errors.js';
import { checkImageF32 } from '../../vision/image-f32.js';
import { withSpec, type Transform } from './transform.js';

/**
 * torchvision's `Normalize(mean, std)`: `(x - mean[c]) / std[c]` per
 * channel. One value each may stand for every channel.
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @throws {ValueError} for a std of 0, non-finite values, or lengths that fit neither 1 nor C.
 * @example const norm = normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]); // ImageNet statistics
 */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  if (mean.length === 0 || std.length === 0) throw new ValueError('normalize: mean and std need at least one value each');
  mean.forEach((m, i) => {
    if (!Number.isFinite(m)) throw new ValueError(`normalize: mean[${i}] is ${m}; expected a finite number`);
  });
  std.forEach((s, i) => {
    if (!Number.isFinite(s) || s === 0) throw new ValueError(`normalize: std[${i}] is ${s}; expected a finite non-zero number`);
  });
  return withSpec((img) => {
    checkImageF32(img, 'normalize');
    const { channels, height, width, data } = img;
    for (const [name, v] of [['mean', mean], ['std', std]] as const) {
      if (v.length !== 1 && v.length !== channels) throw new ValueError(`normalize: ${name} has ${v.length} values but the image has ${channels} channels`);
    }
    const plane = height * width;
    const out = new Float32Array(data.length);
    for (let c = 0; c < channels; c++) {
      const m = mean.length === 1 ? mean[0]! : mean[c]!;
      const s = std.length === 1 ? std[0]! : std[c]!;
      for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = (data[i]! - m) / s;
    }
    return { channels, height, width, data: out };
  }, 'normalize', [mean, std]);
}
