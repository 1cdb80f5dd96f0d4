import { ValueError } from '../../errors.js';
import { checkImageF32 } from '../../vision/image-f32.js';
import { cropImage, padImage, paddingLtrb, type Padding, type PaddingMode } from './geometry.js';
import { withSpec, type Transform } from './transform.js';
import { fillPerChannel, sizePair } from './util.js';

/** Options of {@link randomCrop}, torchvision's `RandomCrop` arguments. */
export interface RandomCropOptions {
  /** Padding added before cropping: n, [left/right, top/bottom] or [left, top, right, bottom]; default none. */
  padding?: Padding;
  /** Pad images smaller than `size` up to it, so the crop always fits; default false. */
  padIfNeeded?: boolean;
  /** The padding value for `paddingMode: 'constant'`, one or one per channel; default 0. */
  fill?: number | readonly number[];
  /** `'constant'` (default), `'edge'`, `'reflect'` or `'symmetric'`. */
  paddingMode?: PaddingMode;
}

/**
 * torchvision's `RandomCrop(size, padding, pad_if_needed, fill, padding_mode)`:
 * pads, then cuts a `[height, width]` window at a uniformly random position
 * (`top = randint(0, H - height + 1)`, then `left` likewise). With
 * `padding: 4` on a 32x32 image and size 32 this shifts the image by up to
 * 4 pixels each way, CIFAR's classic augmentation.
 *
 * Shape: `[C, H, W]` → `[C, height, width]`.
 *
 * @throws {ValueError} when the (padded) image is smaller than the window and padIfNeeded is off.
 * @example const t = randomCrop(32, { padding: 4 });
 */
export function randomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): Transform {
  const [th, tw] = sizePair(size, 'randomCrop');
  const padding = options.padding === undefined ? null : paddingLtrb(options.padding, 'randomCrop');
  const fill = options.fill ?? 0;
  const mode = options.paddingMode ?? 'constant';
  return withSpec((img, rng) => {
    checkImageF32(img, 'randomCrop');
    fillPerChannel(fill, img.channels, 'randomCrop');
    let x = padding ? padImage(img, padding, fill, mode) : img;
    if (options.padIfNeeded && x.width < tw) x = padImage(x, [tw - x.width, 0], fill, mode);
    if (options.padIfNeeded && x.height < th) x = padImage(x, [0, th - x.height], fill, mode);
    if (x.height < th || x.width < tw) {
      throw new ValueError(`randomCrop: the crop size [${th}, ${tw}] is larger than the ${padding ? 'padded ' : ''}image [${x.height}, ${x.width}]; use padIfNeeded or a smaller size`);
    }
    if (x.height === th && x.width === tw) return x === img ? { ...img, data: img.data.slice() } : x;
    const top = rng.randint(x.height - th + 1);
    const left = rng.randint(x.width - tw + 1);
    return cropImage(x, top, left, th, tw);
  }, 'randomCrop', [size, options]);
}
