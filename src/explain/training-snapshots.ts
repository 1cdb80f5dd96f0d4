/**
 * A training time machine: while a model trains, small snapshots every N
 * steps of what a newcomer can watch change: the first convolution's
 * filters, its feature maps for one fixed input, and the model's prediction
 * for that input; plus every step's loss and accuracy. A report page turns
 * them into a slider (time-machine-view.ts); `toJSON()` is the file
 * (`snapshots.json`) that keeps them. Platform-free.
 *
 * Small on purpose: LeNet's first layer is 6 filters of 5 x 5 (156 numbers
 * with the biases), about 1.7 KB of JSON a snapshot with the probabilities;
 * its maps (6 x 28 x 28) are not stored in the file: they are the filters
 * applied to the stored input, conv2d(input, weight) + bias (snapshotMaps).
 */
import { FoveaError, ValueError } from '../errors.js';
import { conv2d } from '../tensor/ops/conv.js';
import { tensor } from '../tensor/ops/creation.js';
import { noGrad } from '../tensor/grad-mode.js';
import type { Conv2d } from '../nn/conv2d.js';
import { declaredType, type Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ImageData8 } from '../vision/image.js';
import { recordActivations } from './activations.js';

/** One moment of training. */
export interface Snapshot {
  /** Optimiser steps taken (0: before the first). */
  step: number;
  epoch: number;
  /** The first convolution's weight [O, I, kH, kW] and bias [O] (null without bias). */
  weight: Float32Array;
  bias: Float32Array | null;
  /** Its output for the fixed input, [O, H', W']. */
  maps: Float32Array;
  /** The model's class probabilities for the fixed input. */
  probabilities: Float32Array;
}

/** Loss and accuracy after an optimiser step, as fit's `onBatchEnd` gives them: means over the epoch so far. */
export interface StepLog { step: number; epoch: number; loss: number; accuracy: number }

/** Options of {@link TrainingSnapshots}. */
export interface TrainingSnapshotsOptions {
  /** A snapshot every this many optimiser steps (and one before the first step and one after the last). */
  every: number;
  classNames: readonly string[];
  /** At most this many snapshots (default 120): past it, every other one is dropped and `every` doubles. */
  maxSnapshots?: number;
  /** The step training starts from (a resumed run's; default 0): the first snapshot is taken there. */
  startStep?: number;
  /** That step's epoch (default 1). */
  startEpoch?: number;
}

/**
 * Records snapshots of `model` during training: call {@link onStep} after
 * every optimiser step (fit's `onBatchEnd`), {@link finish} at the end.
 *
 * Shape: `input.x` is one image [1, C, H, W] as the model takes it
 * (normalised); `input.image` is the same picture [H, W, C].
 * @throws {ValueError} when the model has no Conv2d layer, or `every` is not a positive integer.
 * @example
 * const tm = new TrainingSnapshots(model, datasetExample(test, 0, normalize), { every: 50, classNames });
 * await fit(model, { ..., onBatchEnd: (b) => tm.onStep((b.epoch - 1) * b.batches + b.batch, b) });
 * tm.finish();
 */
export class TrainingSnapshots {
  readonly snapshots: Snapshot[] = [];
  readonly steps: StepLog[] = [];
  /** The first Conv2d's module path (`features.0`). */
  readonly layer: string;
  readonly weightShape: readonly number[];
  readonly mapShape: readonly number[];
  every: number;
  private readonly max: number;

  constructor(private readonly model: Module, readonly input: { x: Tensor; image: ImageData8; label?: number }, readonly o: TrainingSnapshotsOptions) {
    if (!Number.isInteger(o.every) || o.every < 1) throw new ValueError(`snapshots: every must be a positive integer (steps), got ${o.every}`);
    const conv = [...model.namedModules()].find(([, m]) => declaredType(m) === 'Conv2d');
    if (!conv) throw new ValueError('snapshots: the model has no Conv2d layer, so there are no first-layer filters to watch');
    this.layer = conv[0];
    this.weightShape = [...(conv[1] as Conv2d).weight.shape];
    this.every = o.every;
    this.max = o.maxSnapshots ?? 120;
    this.mapShape = this.mapShapeNow();
    this.capture(o.startStep ?? 0, o.startEpoch ?? 1);
  }

  /** After optimiser step `step` (1-based, counted over the whole run): logs it, and snapshots every `every` steps. */
  onStep(step: number, log: { epoch: number; loss: number; accuracy: number }): void {
    this.steps.push({ step, epoch: log.epoch, loss: log.loss, accuracy: log.accuracy });
    if (step % this.every === 0) this.capture(step, log.epoch);
  }

  /** After the last step: a last snapshot unless the last step already has one. */
  finish(): void {
    const last = this.steps[this.steps.length - 1];
    if (last && this.snapshots[this.snapshots.length - 1]?.step !== last.step) this.capture(last.step, last.epoch);
  }

  /** Snapshots the model now (as step `step` of epoch `epoch`). */
  capture(step: number, epoch: number): Snapshot {
    const mod = [...this.model.namedModules()].find(([p]) => p === this.layer)![1];
    const { weight, bias } = mod as Conv2d;
    const { layers, output } = recordActivations(this.model, this.input.x, { include: (p) => p === this.layer });
    const s: Snapshot = {
      step, epoch, weight: weight.data.slice(), bias: bias ? bias.data.slice() : null,
      maps: layers[0]!.data.slice(), probabilities: softmax(output.data),
    };
    this.snapshots.push(s);
    if (this.snapshots.length > this.max) {
      // Keep the first (step 0) and every other one after it: the same span, half as dense.
      const kept = this.snapshots.filter((_, i) => i % 2 === 0);
      this.snapshots.splice(0, this.snapshots.length, ...kept);
      this.every *= 2;
    }
    return s;
  }

  private convOptions(): SnapshotsFile['conv'] {
    const { bias: _, ...o } = ([...this.model.namedModules()].find(([p]) => p === this.layer)![1] as Conv2d).options;
    return o as SnapshotsFile['conv'];
  }

  private mapShapeNow(): number[] {
    const { layers } = recordActivations(this.model, this.input.x, { include: (p) => p === this.layer });
    return layers[0]!.shape.slice(1);
  }

  /**
   * The snapshots as the JSON file `snapshots.json`: what a page (the web
   * app) needs to scrub through training again: the fixed input (bytes and
   * normalised), the first layer's weights and bias at every snapshot, the
   * probabilities, and every step's loss and accuracy. Numbers keep 5
   * significant digits.
   */
  toJSON(): SnapshotsFile {
    const r = (a: ArrayLike<number>) => Array.from(a, (v) => Number(v.toPrecision(5)));
    return {
      format: 'fovea-snapshots', version: 1, layer: this.layer, weightShape: [...this.weightShape], mapShape: [...this.mapShape],
      conv: { ...this.convOptions() },
      classNames: [...this.o.classNames], every: this.every,
      input: { shape: [...this.input.x.shape], x: r(this.input.x.data), image: { width: this.input.image.width, height: this.input.image.height, channels: this.input.image.channels, data: Array.from(this.input.image.data) }, ...(this.input.label !== undefined ? { label: this.input.label } : {}) },
      snapshots: this.snapshots.map((s) => ({ step: s.step, epoch: s.epoch, weight: r(s.weight), bias: s.bias ? r(s.bias) : null, probabilities: r(s.probabilities) })),
      steps: this.steps.map((s) => ({ step: s.step, epoch: s.epoch, loss: Number(s.loss.toPrecision(5)), accuracy: Number(s.accuracy.toPrecision(5)) })),
    };
  }
}

/** The JSON of `snapshots.json` ({@link TrainingSnapshots.toJSON}). */
export interface SnapshotsFile {
  format: 'fovea-snapshots';
  version: 1;
  layer: string;
  weightShape: number[];
  mapShape: number[];
  /** The layer's stride, padding, dilation and groups, as its Conv2d options: the maps are conv2d(input.x, weight, bias, conv). */
  conv: { stride?: number | [number, number]; padding?: number | [number, number] | 'same' | 'valid'; dilation?: number | [number, number]; groups?: number };
  classNames: string[];
  every: number;
  input: { shape: number[]; x: number[]; image: { width: number; height: number; channels: 1 | 3; data: number[] }; label?: number };
  snapshots: { step: number; epoch: number; weight: number[]; bias: number[] | null; probabilities: number[] }[];
  steps: StepLog[];
}

function softmax(z: Float32Array): Float32Array {
  const max = Math.max(...z);
  const e = Float32Array.from(z, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * Reads `snapshots.json` (parsed JSON) back, checking every field a viewer
 * uses, so a wrong or damaged file is refused with what is wrong, not drawn
 * as garbage.
 *
 * @throws {FoveaError} `<source>: <field> ...` naming the first problem.
 * @example const file = parseSnapshots(JSON.parse(text), 'lenet.report/snapshots.json');
 */
export function parseSnapshots(json: unknown, source: string): SnapshotsFile {
  const fail = (problem: string): never => {
    throw new FoveaError(`${source}: ${problem}`);
  };
  const j = json as SnapshotsFile;
  if (typeof json !== 'object' || json === null || j.format !== 'fovea-snapshots') fail('is not a fovea snapshots file (no "format": "fovea-snapshots"; train --snapshots N writes one into the report folder)');
  if (j.version !== 1) fail(`has version ${String(j.version)}; this fovea reads version 1`);
  const nums = (v: unknown, n: number, what: string): void => {
    if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) fail(`${what} must be ${n} finite numbers`);
  };
  const shape = (v: unknown, rank: number, what: string): number => {
    if (!Array.isArray(v) || v.length !== rank || v.some((x) => !Number.isInteger(x) || x < 1)) fail(`${what} must be ${rank} positive integers, got ${JSON.stringify(v)}`);
    return (v as number[]).reduce((a, b) => a * b, 1);
  };
  const wn = shape(j.weightShape, 4, 'weightShape');
  shape(j.mapShape, 3, 'mapShape');
  if (!Array.isArray(j.classNames) || j.classNames.some((c) => typeof c !== 'string') || !j.classNames.length) fail('classNames must be a list of names');
  const xn = shape(j.input?.shape, 4, 'input.shape');
  nums(j.input.x, xn, 'input.x');
  const img = j.input.image;
  if (!img || ![1, 3].includes(img.channels)) fail('input.image must have 1 or 3 channels');
  nums(img.data, img.width * img.height * img.channels, 'input.image.data');
  if (!Array.isArray(j.snapshots) || !j.snapshots.length) fail('has no snapshots');
  j.snapshots.forEach((s, i) => {
    if (!Number.isInteger(s.step) || s.step < 0) fail(`snapshots[${i}].step must be a step number`);
    nums(s.weight, wn, `snapshots[${i}].weight`);
    if (s.bias !== null) nums(s.bias, j.weightShape[0]!, `snapshots[${i}].bias`);
    nums(s.probabilities, j.classNames.length, `snapshots[${i}].probabilities`);
  });
  if (!Array.isArray(j.steps)) fail('steps must be a list');
  return j;
}

/**
 * The first layer's feature maps at snapshot `i` of a snapshots file: its
 * weights and bias applied to the stored input (the file keeps no maps).
 *
 * Shape: the result is `mapShape` [O, H', W'] flattened.
 * @example const maps = snapshotMaps(file, 0);   // before training
 */
export function snapshotMaps(file: SnapshotsFile, i: number): Float32Array {
  const s = file.snapshots[i];
  if (!s) throw new RangeError(`snapshotMaps: no snapshot ${i} (there are ${file.snapshots.length})`);
  return noGrad(() => conv2d(tensor(Float32Array.from(file.input.x), file.input.shape), tensor(Float32Array.from(s.weight), file.weightShape),
    s.bias ? tensor(Float32Array.from(s.bias), [s.bias.length]) : null, file.conv)).data.slice();
}
