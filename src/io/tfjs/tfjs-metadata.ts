/**
 * The metadata.json that Teachable Machine writes beside model.json: class
 * labels, and (by its packageName) the preprocessing its library applies,
 * `pixels / 127 - 1`.
 */
import { isRecord } from './tfjs-config.js';
import { TfjsError } from './tfjs-error.js';

export interface TfjsMetadata {
  /** Class names, in output order. */
  labels: string[] | null;
  /** '@teachablemachine/image' for a Teachable Machine image model. */
  packageName: string | null;
  /** The square input side the exporter used. */
  imageSize: number | null;
}

/**
 * Reads a metadata.json object. Class labels are what a user sees in every
 * prediction, so `labels` of the wrong type (an object, numbers) is refused
 * rather than silently replaced by numbers; other fields of the wrong type are
 * left null.
 * @throws {TfjsError} naming `file` when `labels` is present but not an array of strings.
 * @example const meta = parseTfjsMetadata(JSON.parse(text)); meta.labels // ['cat', 'dog']
 */
export function parseTfjsMetadata(json: unknown, file = 'metadata.json'): TfjsMetadata {
  const m = isRecord(json) ? json : {};
  const raw = m['labels'];
  const labels = Array.isArray(raw) && raw.every((l) => typeof l === 'string') ? (raw as string[]) : null;
  if (raw !== undefined && raw !== null && !labels) {
    const got = Array.isArray(raw) ? `an array holding ${typeof raw.find((l) => typeof l !== 'string')} values` : `${typeof raw === 'object' ? 'an object' : `a ${typeof raw}`}`;
    throw new TfjsError(file, `"labels" must be an array of class names (strings), got ${got}`);
  }
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
