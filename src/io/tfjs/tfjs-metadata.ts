/**
 * The metadata.json that Teachable Machine writes beside model.json: class
 * labels, and (by its packageName) the preprocessing its library applies,
 * `pixels / 127 - 1`.
 */
import { isRecord } from './tfjs-config.js';

export interface TfjsMetadata {
  /** Class names, in output order. */
  labels: string[] | null;
  /** '@teachablemachine/image' for a Teachable Machine image model. */
  packageName: string | null;
  /** The square input side the exporter used. */
  imageSize: number | null;
}

/**
 * Reads a metadata.json object; fields of the wrong type are left null.
 * @example const meta = parseTfjsMetadata(JSON.parse(text)); meta.labels // ['cat', 'dog']
 */
export function parseTfjsMetadata(json: unknown): TfjsMetadata {
  const m = isRecord(json) ? json : {};
  const labels = Array.isArray(m['labels']) && m['labels'].every((l) => typeof l === 'string') ? (m['labels'] as string[]) : null;
  const size = m['imageSize'];
  return {
    labels,
    packageName: typeof m['packageName'] === 'string' ? m['packageName'] : null,
    imageSize: typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : null,
  };
}

/**
 * The normalisation a model's exporter applied, as mean/std on [0, 1] pixels,
 * when the metadata says: Teachable Machine image models take `x / 127 - 1`.
 * Otherwise null.
 */
export function normalizationFromMetadata(meta: TfjsMetadata | null, channels: number): { mean: number[]; std: number[] } | null {
  if (meta?.packageName !== '@teachablemachine/image') return null;
  const v = 127 / 255;
  return { mean: new Array<number>(channels).fill(v), std: new Array<number>(channels).fill(v) };
}
