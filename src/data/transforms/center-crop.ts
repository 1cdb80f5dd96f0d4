import { checkImageF32 } from '../../vision/image-f32.js';
import { cropImage, padImage } from './geometry.js';
import { withSpec, type Transform } from './transform.js';
import { roundHalfEven, sizePair } from './util.js';

/**
 * torchvision's `CenterCrop(size)`: the central `[height, width]` window,
 * its top-left corner at `round((H - height) / 2)`, `round((W - width) / 2)`
 * (Python's rounding, halves to even). An image smaller than the window is
 * first padded with zeros on both sides, as torchvision does.
 *
 * Shape: `[C, H, W]` → `[C, height, width]` (a single number n means `[n, n]`).
 *
 * @example const t = centerCrop(160); // 160x240 flower photo → its central 160x160
 */
export function centerCrop(size: number | readonly [number, number]): Transform {
  const [th, tw] = sizePair(size, 'centerCrop');
  return withSpec((img) => {
    checkImageF32(img, 'centerCrop');
    let x = img;
    if (th > x.height || tw > x.width) {
      const padW = tw > x.width ? tw - x.width : 0;
      const padH = th > x.height ? th - x.height : 0;
      x = padImage(x, [padW >> 1, padH >> 1, (padW + 1) >> 1, (padH + 1) >> 1], 0);
      if (x.height === th && x.width === tw) return x;
    }
    return cropImage(x, roundHalfEven((x.height - th) / 2), roundHalfEven((x.width - tw) / 2), th, tw);
  }, 'centerCrop', [size]);
}
