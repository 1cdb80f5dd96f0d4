import { vflipImage } from './geometry.js';
import { withSpec, type Transform } from './transform.js';
import { probability } from './util.js';

/**
 * torchvision's `RandomVerticalFlip(p)`: mirrors the image top to bottom
 * with probability `p` (flipped when `rng.random() < p`).
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @example const t = randomVerticalFlip(0.5);
 */
export function randomVerticalFlip(p = 0.5): Transform {
  probability(p, 'randomVerticalFlip');
  return withSpec((img, rng) => (rng.random() < p ? vflipImage(img) : { ...img, data: img.data.slice() }), 'randomVerticalFlip', [p]);
}
