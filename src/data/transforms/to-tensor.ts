import type { ImageData8 } from '../../vision/image.js';
import { imageF32FromData8, type ImageF32 } from '../../vision/image-f32.js';

/**
 * torchvision's `ToTensor()`: 8-bit HWC pixels (what `loadImageFile` and a
 * canvas give) → float CHW in [0, 1], each value `v / 255`. The start of
 * every transform chain.
 *
 * Shape: `[H, W, C]` bytes → `[C, H, W]` floats.
 *
 * @example
 * const img = toTensor()(await loadImageFile('rose.jpg', { channels: 3 }));
 * const out = augment(img, new Generator(1));
 */
export function toTensor(): (img: ImageData8) => ImageF32 {
  return imageF32FromData8;
}
