/**
 * Typed reading of the untrusted JSON in a TF.js model.json: every field is
 * checked before use, and a wrong type is an error that names the field, the
 * value found and what was expected, instead of an `undefined` deep inside a
 * converter.
 */

/** True for a plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short rendering of a JSON value for error messages. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Array.isArray(v) ? '[...]' : typeof v === 'object' ? '{...}' : String(v); // too deep or circular to print
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Keras serialises Python tuples as lists, or (in SavedModel metadata) as `{class_name: '__tuple__', items}`. */
function listOf(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (isRecord(v) && v['class_name'] === '__tuple__' && Array.isArray(v['items'])) return v['items'];
  return null;
}

/**
 * One Keras layer's `config`, read field by field. `fail` raises the
 * caller's error (it names the file and the layer).
 *
 * @example
 * const c = new LayerConfig(layer.config, fail);
 * const [kh, kw] = c.pair('kernel_size');
 * const bias = c.bool('use_bias', true);
 */
export class LayerConfig {
  constructor(readonly raw: Record<string, unknown>, readonly fail: (problem: string) => never) {}

  /** Present and not null. */
  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  number(key: string, fallback?: number): number {
    const v = this.raw[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(`config.${key} must be a finite number, got ${show(v)}`);
    return v;
  }

  /** An integer in [min, max]. */
  int(key: string, fallback?: number, min = 0, max = 1 << 20): number {
    const v = this.number(key, fallback);
    if (!Number.isInteger(v) || v < min || v > max) return this.fail(`config.${key} must be an integer in [${min}, ${max}], got ${show(v)}`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') return this.fail(`config.${key} must be true or false, got ${show(v)}`);
    return v;
  }

  string(key: string, fallback?: string): string {
    const v = this.raw[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'string') return this.fail(`config.${key} must be a string, got ${show(v)}`);
    return v;
  }

  /** One integer for both spatial dims, or two: `3` or `[3, 3]`; each in [min, max]. */
  pair(key: string, fallback?: [number, number], min = 1, max = 1 << 16): [number, number] {
    const v = this.raw[key];
    if ((v === undefined || v === null) && fallback) return fallback;
    const list = typeof v === 'number' ? [v, v] : listOf(v);
    const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
    if (!list || list.length !== 2 || !ok(list[0]) || !ok(list[1])) return this.fail(`config.${key} must be an integer or two integers in [${min}, ${max}], got ${show(v)}`);
    return [list[0], list[1]];
  }

  /** A list of integers (null entries allowed where `nulls` is true, as in a batch shape). */
  ints(key: string, nulls = false): (number | null)[] {
    const list = listOf(this.raw[key]);
    const ok = (x: unknown): boolean => (x === null && nulls) || (typeof x === 'number' && Number.isInteger(x) && x >= -1 && x <= 1 << 20);
    if (!list || !list.every(ok)) return this.fail(`config.${key} must be a list of integers${nulls ? ' or nulls' : ''}, got ${show(this.raw[key])}`);
    return list as (number | null)[];
  }

  /** A raw field, for shapes this class does not cover (ZeroPadding2D's nested pairs). */
  value(key: string): unknown {
    return this.raw[key];
  }

  /** `data_format` must be channels_last (fovea converts NHWC to NCHW); channels_first models are refused. */
  channelsLast(): void {
    const f = this.string('data_format', 'channels_last');
    if (f !== 'channels_last') this.fail(`data_format '${f}' is not supported (only channels_last, the TF.js default)`);
  }
}
