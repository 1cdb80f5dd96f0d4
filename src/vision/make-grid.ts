/**
 * Tiling images into one picture, torchvision's `utils.make_grid`: for a
 * look at a batch, at augmented samples, at feature maps side by side.
 */
import { ShapeError, ValueError } from '../errors.js';
import { checkImageF32, type ImageF32 } from './image-f32.js';

/** Options of {@link makeGrid}, torchvision's names. */
export interface MakeGridOptions {
  /** Images per row; default 8 (fewer when there are fewer images). */
  nrow?: number;
  /** Pixels of `padValue` between images and around the edge; default 2. */
  padding?: number;
  /** The value of the gaps; default 0 (black). */
  padValue?: number;
}

/**
 * Lays same-sized images out row by row, left to right, with `padding`
 * pixels of `padValue` between and around them, exactly as
 * `torchvision.utils.make_grid(images, nrow, padding, pad_value=padValue)`
 * places them (unlike torchvision, 1-channel images stay 1-channel).
 *
 * Shape: n images `[C, H, W]` → `[C, rows * (H + padding) + padding, cols * (W + padding) + padding]`
 * with cols = min(nrow, n), rows = ceil(n / cols).
 *
 * @throws {ShapeError} when the list is empty or the images differ in shape.
 * @example
 * const grid = makeGrid(samples, { nrow: 4, padding: 2 });   // 16 samples → a 4x4 sheet
 */
export function makeGrid(images: readonly ImageF32[], options: MakeGridOptions = {}): ImageF32 {
  const { nrow = 8, padding = 2, padValue = 0 } = options;
  if (!Number.isInteger(nrow) || nrow < 1) throw new ValueError(`makeGrid: nrow is ${nrow}; expected a positive integer`);
  if (!Number.isInteger(padding) || padding < 0) throw new ValueError(`makeGrid: padding is ${padding}; expected a non-negative integer`);
  const first = images[0];
  if (!first) throw new ShapeError('makeGrid', 'no images to lay out; expected at least one');
  images.forEach((img, i) => {
    checkImageF32(img, 'makeGrid');
    if (img.channels !== first.channels || img.height !== first.height || img.width !== first.width) {
      throw new ShapeError('makeGrid', `image ${i} is [${img.channels}, ${img.height}, ${img.width}] but image 0 is [${first.channels}, ${first.height}, ${first.width}]; all images must have one shape`);
    }
  });
  const { channels, height: h, width: w } = first;
  const cols = Math.min(nrow, images.length);
  const rows = Math.ceil(images.length / cols);
  const gh = rows * (h + padding) + padding;
  const gw = cols * (w + padding) + padding;
  const data = new Float32Array(channels * gh * gw).fill(padValue);
  images.forEach((img, k) => {
    const top = Math.floor(k / cols) * (h + padding) + padding;
    const left = (k % cols) * (w + padding) + padding;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        const src = (c * h + y) * w;
        data.set(img.data.subarray(src, src + w), (c * gh + top + y) * gw + left);
      }
    }
  });
  return { channels, height: gh, width: gw, data };
}
