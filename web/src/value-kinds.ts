/**
 * What kind of number the page shows: a raw pixel (0–255, or 0–1 as the pad
 * and the photo give it), a normalised input (what the model's first layer
 * reads: (pixel − mean) ÷ std, as the model file says), or an activation
 * (what a layer gave the next one). Every number grid and value says which.
 */
import type { ModelMeta } from 'fovea';
import { fmt } from './dom.js';
import type { RecordedLayer } from './record-forward.js';

/** The normalisation in words: "(pixel − 0.1307) ÷ 0.3081" (per channel when they differ). */
export function normalisationText(meta: Pick<ModelMeta, 'normalize'>): string {
  const { mean, std } = meta.normalize;
  const same = mean.every((m) => m === mean[0]) && std.every((s) => s === std[0]);
  if (same) return mean[0] === 0 && std[0] === 1 ? 'pixel (0–1), not rescaled' : `(pixel − ${fmt(mean[0]!)}) ÷ ${fmt(std[0]!)}, pixel in 0–1`;
  return `(pixel − mean) ÷ std per channel, mean ${mean.map(fmt).join(', ')}, std ${std.map(fmt).join(', ')}`;
}

/** What the values a layer reads are: the normalised input for the first layer, the previous layer's activations after it. */
export function inputKind(layers: readonly RecordedLayer[], index: number, meta: Pick<ModelMeta, 'normalize'>): string {
  const prev = index > 0 ? layers[index - 1] : undefined;
  if (!prev || prev.output.length !== layers[index]!.input.length) return index === 0 ? `normalised input: ${normalisationText(meta)}` : 'activations of the layers before';
  return `activations of ${prev.type} ${prev.path}`;
}
