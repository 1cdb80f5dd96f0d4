/**
 * What prediction needs, carried in an .onnx file's `metadata_props`
 * (ModelProto field 14, string → string): class names, normalisation, resize
 * fit. ONNX itself has no keys for these, so fovea writes its own under the
 * `fovea.` prefix (every value JSON or a plain word, so any runtime can read
 * them: ONNX Runtime's `get_modelmeta().custom_metadata_map` in Python, Netron's
 * properties pane, Python's `onnx.load(f).metadata_props`), plus the ONNX
 * repository's experimental `Image.*` keys (docs/MetadataProps.md) when the
 * graph takes plain [0, 1] pixels. Platform-free.
 *
 * @example
 * const props = onnxMetadataProps(meta);            // [['fovea.class_names', '["cat","dog"]'], ...]
 * const back = modelMetaFromOnnx(new Map(props), [3, 224, 224], 'm.onnx', 2);
 */
import type { ModelMeta } from '../model-file.js';
import { IMAGE_FITS, type ImageFit } from '../../vision/load-image-options.js';
import { OnnxError } from './onnx-error.js';

/** The version of the `fovea.*` keys' meaning; a reader refuses a newer one. */
export const ONNX_METADATA_VERSION = 1;

/**
 * The `metadata_props` keys fovea writes and reads: the documentation of the
 * keys. Values are strings; JSON where the value is structured.
 */
export const ONNX_METADATA_KEYS = {
  /** `"1"`: the version of these keys' meaning ({@link ONNX_METADATA_VERSION}). */
  formatVersion: 'fovea.format_version',
  /** JSON array of strings, one per output logit, in order: `["daisy","rose"]`. */
  classNames: 'fovea.class_names',
  /**
   * JSON array, one mean per input channel, for `(pixel - mean[c]) / std[c]`
   * applied to pixels already scaled to [0, 1]; what the consumer must apply
   * before feeding the graph (all 0 when the normalisation is baked in).
   */
  normalizeMean: 'fovea.normalize.mean',
  /** JSON array, one std per input channel (all 1 when the normalisation is baked in). */
  normalizeStd: 'fovea.normalize.std',
  /**
   * `"true"` when `fovea export --bake-normalization` put the normalisation
   * into the graph (a Sub and a Div on the input): feed plain [0, 1] pixels.
   * `"false"` otherwise.
   */
  normalizeBaked: 'fovea.normalize.baked',
  /** `"NCHW"`: the input is a batch of channel-first images. */
  inputLayout: 'fovea.input_layout',
  /** `"[0,1]"`: pixels are divided by 255 (8-bit channels) before the normalisation. */
  pixelRange: 'fovea.pixel_range',
  /** `"fill"` (stretch the picture to H×W) or `"cover"` (cut out the centre first, then resize). */
  fit: 'fovea.fit',
  /** JSON object: the free-form training record (dataset, epochs, accuracy, ...), when the model has one. */
  training: 'fovea.training',
  /** ONNX's experimental image key: `Gray8`, `Rgb8` or `Rgba8` by channel count; written only when the graph takes [0, 1] pixels. */
  imagePixelFormat: 'Image.BitmapPixelFormat',
  /** ONNX's experimental image key: `SRGB` (pixels are the decoded file's sRGB bytes, not linearised). */
  imageGamma: 'Image.ColorSpaceGamma',
  /** ONNX's experimental image key: `Normalized_0_1`; read back (also `Normalized_1_1`, `NominalRange_0_255`) when no `fovea.*` normalisation is present. */
  imagePixelRange: 'Image.NominalPixelRange',
} as const;

const K = ONNX_METADATA_KEYS;

/** What an .onnx file's metadata says about its model (absent keys are left out). */
export type OnnxModelMeta = Partial<ModelMeta> & { inputShape: [number, number, number] };

export interface OnnxMetadataOptions {
  /** The normalisation is part of the graph: record mean 0 / std 1 and `fovea.normalize.baked`. */
  bakedNormalization?: boolean;
}

/** The ONNX `Image.NominalPixelRange` values fovea reads, as the normalisation that maps [0, 1] pixels to them. */
const PIXEL_RANGES: Record<string, { mean: number; std: number }> = {
  normalized_0_1: { mean: 0, std: 1 },
  normalized_1_1: { mean: 0.5, std: 0.5 }, // 2x - 1
  nominalrange_0_255: { mean: 0, std: 1 / 255 }, // 255x
};

/**
 * The metadata_props entries for a model's metadata, in a stable order.
 * @example onnxMetadataProps(meta, { bakedNormalization: true }); // mean [0,...], std [1,...], baked "true"
 */
export function onnxMetadataProps(meta: ModelMeta, options: OnnxMetadataOptions = {}): Array<[string, string]> {
  const c = meta.inputShape[0];
  const baked = options.bakedNormalization ?? false;
  const mean = baked ? new Array<number>(c).fill(0) : meta.normalize.mean;
  const std = baked ? new Array<number>(c).fill(1) : meta.normalize.std;
  const props: Array<[string, string]> = [
    [K.formatVersion, String(ONNX_METADATA_VERSION)],
    [K.classNames, JSON.stringify(meta.classNames)],
    [K.normalizeMean, JSON.stringify(mean)],
    [K.normalizeStd, JSON.stringify(std)],
    [K.normalizeBaked, String(baked)],
    [K.inputLayout, 'NCHW'],
    [K.pixelRange, '[0,1]'],
    [K.fit, meta.fit ?? 'fill'],
  ];
  if (meta.training) props.push([K.training, JSON.stringify(meta.training)]);
  // the standard keys describe the graph's own input, so only when that is plain [0, 1] pixels
  const plain = mean.every((m) => m === 0) && std.every((s) => s === 1);
  const format = ({ 1: 'Gray8', 3: 'Rgb8', 4: 'Rgba8' } as Record<number, string>)[c];
  if (plain && format) props.push([K.imagePixelFormat, format], [K.imageGamma, 'SRGB'], [K.imagePixelRange, 'Normalized_0_1']);
  return props;
}

/**
 * Reads and checks the metadata fovea understands; unknown keys are ignored.
 * `numClasses` (the model's output count, when it is a classifier) is checked
 * against the class names.
 * @throws {OnnxError} naming `source` and the key when a value is malformed.
 * @example const meta = modelMetaFromOnnx(props, [1, 28, 28], 'lenet.onnx', 10); // { inputShape, classNames, normalize, fit }
 */
export function modelMetaFromOnnx(
  props: ReadonlyMap<string, string>, inputShape: readonly [number, number, number], source: string, numClasses?: number,
): OnnxModelMeta {
  const c = inputShape[0];
  const { bad, json } = valueReader(props, source);
  const meta: OnnxModelMeta = { inputShape: [...inputShape] };
  const version = props.get(K.formatVersion);
  if (version !== undefined) {
    const v = Number(version);
    if (!Number.isInteger(v) || v < 1) bad(K.formatVersion, 'a positive integer');
    if (v > ONNX_METADATA_VERSION) throw new OnnxError(source, `metadata '${K.formatVersion}' is ${v}, newer than this fovea understands (${ONNX_METADATA_VERSION}); upgrade fovea`);
  }
  if (props.has(K.classNames)) {
    const want = numClasses === undefined ? 'a JSON array of strings' : `a JSON array of ${numClasses} strings`;
    const names = json(K.classNames, want);
    if (!Array.isArray(names) || names.some((s) => typeof s !== 'string')) bad(K.classNames, want);
    if (numClasses !== undefined && (names as string[]).length !== numClasses) {
      throw new OnnxError(source, `metadata '${K.classNames}' names ${(names as string[]).length} classes but the model has ${numClasses} outputs`);
    }
    meta.classNames = names as string[];
  }
  const normalize = readNormalize(props, c, source);
  if (normalize) meta.normalize = normalize;
  const baked = props.get(K.normalizeBaked);
  if (baked !== undefined && baked !== 'true' && baked !== 'false') bad(K.normalizeBaked, '"true" or "false"');
  const layout = props.get(K.inputLayout);
  if (layout !== undefined && layout !== 'NCHW') bad(K.inputLayout, '"NCHW" (the only layout fovea reads)');
  const pixels = props.get(K.pixelRange);
  if (pixels !== undefined && pixels.replace(/\s/g, '') !== '[0,1]') bad(K.pixelRange, '"[0,1]"');
  const fit = props.get(K.fit);
  if (fit !== undefined) {
    if (!IMAGE_FITS.includes(fit as ImageFit)) bad(K.fit, IMAGE_FITS.map((f) => `"${f}"`).join(' or '));
    meta.fit = fit as ImageFit;
  }
  if (props.has(K.training)) {
    const t = json(K.training, 'a JSON object');
    if (t === null || typeof t !== 'object' || Array.isArray(t)) bad(K.training, 'a JSON object');
    meta.training = t as Record<string, unknown>;
  }
  return meta;
}

/** Error and JSON helpers for the values of `props`, naming `source` and the key. */
function valueReader(props: ReadonlyMap<string, string>, source: string): { bad: (key: string, want: string) => never; json: (key: string, want: string) => unknown } {
  const bad = (key: string, want: string): never => {
    throw new OnnxError(source, `metadata '${key}' is ${JSON.stringify(props.get(key))}; expected ${want}`);
  };
  const json = (key: string, want: string): unknown => {
    try {
      return JSON.parse(props.get(key)!);
    } catch {
      return bad(key, want);
    }
  };
  return { bad, json };
}

/** The fovea mean/std pair, else what ONNX's Image.NominalPixelRange implies, else undefined. */
function readNormalize(props: ReadonlyMap<string, string>, c: number, source: string): { mean: number[]; std: number[] } | undefined {
  const { bad, json } = valueReader(props, source);
  const perChannel = (key: string, positive: boolean): number[] | undefined => {
    if (!props.has(key)) return undefined;
    const want = `a JSON array of ${c} ${positive ? 'positive ' : ''}numbers (one per input channel)`;
    const v = json(key, want);
    const ok = Array.isArray(v) && v.length === c && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
    return ok ? (v as number[]) : bad(key, want);
  };
  const mean = perChannel(K.normalizeMean, false);
  const std = perChannel(K.normalizeStd, true);
  if (mean && std) return { mean, std };
  if (mean || std) {
    throw new OnnxError(source, `metadata has '${mean ? K.normalizeMean : K.normalizeStd}' without '${mean ? K.normalizeStd : K.normalizeMean}'`);
  }
  const range = props.get(K.imagePixelRange);
  const r = range === undefined ? undefined : PIXEL_RANGES[range.toLowerCase()];
  return r && { mean: new Array<number>(c).fill(r.mean), std: new Array<number>(c).fill(r.std) };
}
