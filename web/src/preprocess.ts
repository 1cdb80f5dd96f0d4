/**
 * MNIST-style preprocessing of a drawing. MNIST digits were made by scaling
 * each handwritten digit (keeping its aspect ratio) to fit a 20x20 box, then
 * placing it in a 28x28 field so that its centre of mass is at the centre
 * (LeCun et al.). A drawn digit treated the same way looks to the model like
 * the test set does, whatever size and wherever on the pad it was drawn.
 *
 * Pixel coordinates are continuous: pixel i covers [i, i + 1). Measured on
 * the training set in these coordinates, MNIST's centres of mass average
 * (14.50, 14.50), the centre of pixel (14, 14), and every digit's ink (above
 * 2% grey) spans 20 pixels on its long side: this module reproduces both.
 */

/** A single-channel image, row-major, values in [0, 1] (0 = background, 1 = ink). */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Options for {@link centerLikeMnist}. */
export interface CenterOptions {
  /** Output size; default 28 x 28. */
  width?: number;
  height?: number;
  /** Side of the box the digit is scaled to fit; default round(20 / 28 of the smaller output side). */
  box?: number;
  /** Pixels at or below this count as background when finding the digit's extent; default 0.02. */
  threshold?: number;
}

/**
 * Scales the ink of `src` to fit a `box` x `box` square (aspect ratio kept)
 * and places it so that its centre of mass lands where MNIST puts it
 * ({@link mnistCenter}: the middle pixel), resampling by exact area overlap (a box filter: anti-aliased like
 * MNIST's digits). A blank image gives a blank output.
 *
 * Shape: `src` is any size; the output is `height` x `width` (default 28 x 28).
 *
 * @example
 * const x = centerLikeMnist({ width: 140, height: 140, data: ink });   // 28 x 28, digit in a 20 x 20 box, centre of mass ≈ (14.5, 14.5)
 */
export function centerLikeMnist(src: GrayImage, o: CenterOptions = {}): GrayImage {
  const width = o.width ?? 28;
  const height = o.height ?? 28;
  const box = o.box ?? Math.max(1, Math.round((Math.min(width, height) * 20) / 28));
  const threshold = o.threshold ?? 0.02;
  const out = new Float32Array(width * height);
  const { width: sw, height: sh, data } = src;
  // Extent and centre of mass of the ink (centre of mass weighted by intensity).
  let x0 = sw, x1 = -1, y0 = sh, y1 = -1;
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = data[y * sw + x]!;
      if (v <= threshold) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  if (x1 < 0) return { width, height, data: out };
  mx /= mass;
  my /= mass;
  const s = box / Math.max(x1 - x0 + 1, y1 - y0 + 1);
  // Source point p maps to (p - centreOfMass) * s + target: the scaled centre of mass lands on the target.
  const [cx, cy] = mnistCenter(width, height);
  const ox = cx - mx * s;
  const oy = cy - my * s;
  for (let y = y0; y <= y1; y++) {
    const ty0 = y * s + oy, ty1 = ty0 + s;
    for (let x = x0; x <= x1; x++) {
      const v = data[y * sw + x]!;
      if (v <= 0) continue;
      const tx0 = x * s + ox, tx1 = tx0 + s;
      // Splat the source pixel's square [tx0, tx1) x [ty0, ty1) onto the output pixels it overlaps.
      for (let j = Math.max(0, Math.floor(ty0)); j < Math.min(height, Math.ceil(ty1)); j++) {
        const dy = Math.min(ty1, j + 1) - Math.max(ty0, j);
        if (dy <= 0) continue;
        for (let i = Math.max(0, Math.floor(tx0)); i < Math.min(width, Math.ceil(tx1)); i++) {
          const dx = Math.min(tx1, i + 1) - Math.max(tx0, i);
          if (dx > 0) out[j * width + i]! += v * dx * dy;
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i]! > 1) out[i] = 1;
  return { width, height, data: out };
}

/**
 * Where MNIST puts a digit's centre of mass: the centre of pixel (14, 14) of
 * 28 x 28, i.e. (14.5, 14.5) in continuous coordinates (the mean over the
 * training set is (14.50, 14.50)); in general the centre of the middle pixel.
 *
 * @example mnistCenter(28, 28)   // [14.5, 14.5]
 */
export function mnistCenter(width: number, height: number): [number, number] {
  return [Math.floor(width / 2) + 0.5, Math.floor(height / 2) + 0.5];
}

/**
 * The centre of mass of an image, in continuous pixel coordinates
 * (pixel i spans [i, i + 1)); null for a blank image.
 *
 * @example centerOfMass(centerLikeMnist(drawing))   // ≈ { x: 14.5, y: 14.5 }
 */
export function centerOfMass(img: GrayImage): { x: number; y: number } | null {
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x]!;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return mass > 0 ? { x: mx / mass, y: my / mass } : null;
}
