/**
 * A training time machine: while a model trains, small snapshots every N
 * steps of what a newcomer can watch change: the first convolution's
 * filters, its feature maps for one fixed input, and the model's prediction
 * for that input; plus every step's loss and accuracy. A report page turns
 * them into a slider (time-machine-view.ts); `toJSON()` is the file
 * (`snapshots.json`) that keeps them. Platform-free.
 *
 * Small on purpose: LeNet's first layer is 6 filters of 5 x 5 (156 numbers
 * with the biases) and its maps 6 x 28 x 28, so a snapshot is under 4 KB of
 * JSON, maps included; the maps are not stored in the file (they are the
 * filters applied to the stored input: conv2d(input, weight) + bias).
 */
import { ValueError } from '../errors.js';
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
