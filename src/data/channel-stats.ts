/**
 * Per-channel pixel statistics of a dataset, for the `normalize` step that
 * is stored with a model (what torchvision users compute once and paste in
 * as `Normalize(mean, std)`).
 */
import { ValueError } from '../errors.js';
import type { ImageDataset } from './dataset.js';

/**
 * The mean and (population) standard deviation of each channel over every
 * pixel of every image, on the [0, 1] scale (bytes / 255). A channel whose
 * std is 0 (a constant channel) gets std 1, so normalising never divides by 0.
 *
 * Shape: `dataset` is `[N, C, H, W]` bytes; `mean` and `std` have C entries.
 *
 * @throws {ValueError} for an empty dataset.
 * @example
 * const normalize = channelStats(train); // e.g. { mean: [0.47, 0.43, 0.31], std: [0.29, 0.26, 0.28] }
 * new DataLoader(train, { normalize });
 */
export function channelStats(dataset: ImageDataset): { mean: number[]; std: number[] } {
  const [c, h, w] = dataset.shape;
  const plane = h * w;
  if (dataset.length === 0 || plane === 0) throw new ValueError('channelStats: the dataset has no pixels; cannot compute mean and std');
  // Byte histograms per channel: exact sums, no float drift over millions of pixels.
  const hist = Array.from({ length: c }, () => new Float64Array(256));
  const bytes = dataset.images;
  for (let i = 0; i < dataset.length; i++) {
    for (let ch = 0; ch < c; ch++) {
      const hc = hist[ch]!;
      const base = (i * c + ch) * plane;
      for (let p = 0; p < plane; p++) hc[bytes[base + p]!]!++;
    }
  }
  const n = dataset.length * plane;
  const mean: number[] = [];
  const std: number[] = [];
  for (const hc of hist) {
    let s = 0;
    for (let v = 0; v < 256; v++) s += hc[v]! * (v / 255);
    const m = s / n;
    let q = 0;
    for (let v = 0; v < 256; v++) q += hc[v]! * (v / 255 - m) ** 2;
    const sd = Math.sqrt(q / n);
    mean.push(round6(m));
    std.push(sd > 0 ? round6(sd) : 1);
  }
  return { mean, std };
}

/** Six significant digits: plenty for normalisation, short in the model file's header. */
function round6(v: number): number {
  return Number(v.toPrecision(6));
}
