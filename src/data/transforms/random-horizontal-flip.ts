import { hflipImage } from './geometry.js';
import { withSpec, type Transform } from './transform.js';
import { probability } from './util.js';

/**
 * torchvision's `RandomHorizontalFlip(p)`: mirrors the image left to right
 * with probability `p` (one draw per image: flipped when `rng.random() < p`).
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @example const t = randomHorizontalFlip();   // p = 0.5
 */
export function randomHorizontalFlip(p = 0.5): Transform {
  probability(p, 'randomHorizontalFlip');
  return withSpec((img, rng) => (rng.random() < p ? hflipImage(img) : { ...img, data: img.data.slice() }), 'randomHorizontalFlip', [p]);
}
