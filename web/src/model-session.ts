/**
 * The model the page is exploring: decoded from .fovea bytes, checked (it
 * must run on its declared input and give one score per class, and be small
 * enough to run live), laid out from its own structure, with a copy of the
 * loaded weights so that edits can be undone.
 *
 * Loading never half-succeeds: `ModelSession.load` either returns a working
 * session or throws a `ModelLoadError` with a message for the page, and the
 * caller keeps its previous session.
 */
import { Conv2d, gradCam, loadModelBytes, saliency, tensor, type GradCam, type LoadedModel, type Module, type ModelMeta } from 'fovea';
import { recordForward, type ForwardRecord, type RecordedLayer } from './record-forward.js';

/** Largest model file the page reads (checked before reading it). */
export const MAX_MODEL_BYTES = 200 * 1024 * 1024;

/** What the page agrees to run live. */
export interface ModelLimits {
  bytes: number;
  parameters: number;
  /** Activation values of one forward pass, all layers together. */
  activations: number;
}

export const DEFAULT_LIMITS: ModelLimits = { bytes: MAX_MODEL_BYTES, parameters: 25_000_000, activations: 8_000_000 };

/** A model the page refuses, with the reason in words. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** How a layer is shown: a grid of C feature maps, or a vector of units. */
export interface LayerInfo {
  path: string;
  type: string;
  /** Output shape without the batch dim. */
  shape: number[];
  kind: 'maps' | 'vector';
  /** Signed values get a diverging colour map centred on 0; non-negative ones a sequential map. */
  signed: boolean;
}

/** Output of one forward pass as the page uses it. */
export interface RunResult extends ForwardRecord {
  probabilities: Float32Array;
}

export class ModelSession {
  private readonly original: Map<string, Float32Array>;

  private constructor(
    readonly model: Module,
    readonly meta: ModelMeta,
    /** File name or label, for the page. */
    readonly name: string,
    readonly layers: LayerInfo[],
    readonly classNames: string[],
    /** The file's format, and which of its meta fields it stored (the rest are defaults). */
    readonly origin: Pick<LoadedModel, 'format' | 'stored'>,
  ) {
    this.original = new Map([...model.namedParameters()].map(([k, p]) => [k, p.data.slice()]));
  }

  /**
   * Decodes and checks a model. `name` labels the file in messages.
   * @throws {ModelLoadError} with a message fit for the page.
   */
  static load(bytes: Uint8Array, name: string, limits: ModelLimits = DEFAULT_LIMITS): ModelSession {
    if (bytes.length > limits.bytes) throw new ModelLoadError(`${name} is ${mb(bytes.length)}; the page opens models up to ${mb(limits.bytes)}`);
    let decoded: LoadedModel;
    try {
      // The format comes from the bytes (.fovea or ONNX, with its metadata), not the file name.
      decoded = loadModelBytes(bytes, name);
    } catch (e) {
      throw new ModelLoadError((e as Error).message);
    }
    const { model, meta } = decoded;
    const params = model.numParameters();
    if (params > limits.parameters) {
      throw new ModelLoadError(`${name} has ${params.toLocaleString('en')} parameters; the page runs models up to ${limits.parameters.toLocaleString('en')} live`);
    }
    const [c, h, w] = meta.inputShape;
    let out: number[];
    try {
      out = model.outputShape([1, c, h, w]);
    } catch (e) {
      throw new ModelLoadError(`${name}: the model does not fit its own input shape [${c}, ${h}, ${w}]: ${(e as Error).message}`);
    }
    if (out.length !== 2) throw new ModelLoadError(`${name}: the model's output has shape [${out.join(', ')}]; a classifier gives [1, classes]`);
    const classes = out[1]!;
    if (classes < 1) throw new ModelLoadError(`${name}: the model gives no class scores`);
    let trial: ForwardRecord;
    try {
      trial = recordForward(model, new Float32Array(c * h * w), [c, h, w]);
    } catch (e) {
      throw new ModelLoadError(`${name}: the model failed on a blank [${c}, ${h}, ${w}] input: ${(e as Error).message}`);
    }
    const total = trial.layers.reduce((n, l) => n + l.output.length, 0);
    if (total > limits.activations) {
      throw new ModelLoadError(`${name}: one forward pass makes ${total.toLocaleString('en')} activation values; the page draws up to ${limits.activations.toLocaleString('en')} live`);
    }
    const names = meta.classNames.length === classes ? [...meta.classNames] : Array.from({ length: classes }, (_, i) => String(i));
    return new ModelSession(model, meta, name, layout(trial.layers), names, { format: decoded.format, stored: decoded.stored });
  }

  get inputShape(): [number, number, number] {
    return this.meta.inputShape;
  }

  /** The first convolution in execution order (the one the filter editor and the training view show), if any. */
  get firstConv(): { path: string; module: Conv2d } | null {
    for (const [path, m] of this.model.namedModules()) if (m instanceof Conv2d) return { path, module: m };
    return null;
  }

  /**
   * Runs the model on an image given as C*H*W values in [0, 1] (the model's
   * normalisation is applied here) and returns every layer and the class probabilities.
   */
  run(pixels: Float32Array): RunResult {
    const rec = recordForward(this.model, this.normalise(pixels), this.inputShape);
    return { ...rec, probabilities: softmax(rec.output) };
  }

  /**
   * Saliency of class `k` for an image (pixels in [0, 1], as for `run`): how
   * much each input pixel moves the class's score, |d score / d pixel| (the
   * largest over the colour channels), from one backward pass (Simonyan et
   * al., 2014). Shape: H*W values, not normalised.
   */
  saliency(pixels: Float32Array, k: number): Float32Array {
    const [c, h, w] = this.inputShape;
    // The library's saliency, taken with respect to the [0, 1] pixels: ∂score/∂normalised input ÷ std.
    return saliency(this.model, tensor(this.normalise(pixels), [1, c, h, w]), { classIndex: k, std: this.meta.normalize.std }).map;
  }

  /**
   * Grad-CAM of class `k` for an image (pixels in [0, 1], as for `run`) at
   * the last layer of maps, in eval mode. Shape: `map` is H*W values ≥ 0.
   */
  gradCam(pixels: Float32Array, k: number): GradCam {
    const [c, h, w] = this.inputShape;
    const training = this.model.training;
    this.model.eval();
    try {
      return gradCam(this.model, tensor(this.normalise(pixels), [1, c, h, w]), { classIndex: k });
    } finally {
      this.model.train(training);
    }
  }

  private normalise(pixels: Float32Array): Float32Array {
    const [c, h, w] = this.inputShape;
    const { mean, std } = this.meta.normalize;
    const x = new Float32Array(c * h * w);
    for (let k = 0; k < c; k++) {
      const m = mean[k]!, s = std[k]!;
      for (let i = k * h * w; i < (k + 1) * h * w; i++) x[i] = (pixels[i]! - m) / s;
    }
    return x;
  }

  /** Puts back every parameter as loaded (undoes filter edits). */
  resetWeights(): void {
    for (const [k, p] of this.model.namedParameters()) {
      const saved = this.original.get(k);
      if (saved) p.data.set(saved);
    }
  }
}

/** The page layout of the recorded layers: maps for [C, H, W] outputs, vectors for the rest. */
function layout(layers: RecordedLayer[]): LayerInfo[] {
  const out: LayerInfo[] = [];
  let signed = true;
  for (const l of layers) {
    // The layer says what it does to signs (its `sign` trait): ReLU and friends make them non-negative, pooling keeps them.
    const sign = l.module.traits.sign;
    signed = sign === 'non-negative' ? false : sign === 'kept' ? signed : true;
    out.push({ path: l.path, type: l.type, shape: [...l.outShape], kind: l.outShape.length === 3 ? 'maps' : 'vector', signed });
  }
  return out;
}

function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const p = logits.map((v) => Math.exp(v - max));
  const sum = p.reduce((s, v) => s + v, 0);
  return p.map((v) => v / sum);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
