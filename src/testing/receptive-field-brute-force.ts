/**
 * Receptive fields by brute force, the oracle the computed ones are checked
 * against: set one input pixel at a time to +Infinity and see which output
 * units of every layer change. Infinity, not a large finite value: deep in a
 * network a pixel at the edge of a unit's field adds less than the float32
 * rounding of the unit's sum, but an infinite input stays infinite along
 * every path of positive weights (and a unit it does not reach is computed
 * from the very same numbers, so it stays bit-identical).
 */
import assert from 'node:assert/strict';
import { recordActivations } from '../explain/activations.js';
import { receptiveField, type ReceptiveField } from '../explain/receptive-field.js';
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../util/random.js';

/**
 * Makes every path from a pixel monotone: weights (and a graph's constants)
 * positive, biases zero, batch-norm statistics neutral. Then every value on
 * a path from an infinite pixel is infinite (and wins its max pool), so
 * "changes" is exactly "is connected to". Saturating activations (tanh,
 * sigmoid, clamps) must be out of the model, or far from saturation.
 */
export function makePositive(model: Module): void {
  for (const [name, p] of model.namedParameters()) {
    if (name.endsWith('bias')) p.data.fill(0);
    else p.data.forEach((v, i) => (p.data[i] = Math.abs(v) + 0.1));
  }
  for (const [name, b] of model.namedBuffers()) {
    if (name.endsWith('running_mean')) b.data.fill(0);
    else if (name.endsWith('running_var')) b.data.fill(1);
    else if (!name.endsWith('num_batches_tracked')) b.data.forEach((v, i) => (b.data[i] = Math.abs(v) + 0.1));
  }
}

/** For every 4-D layer output: the box of input pixels that change each unit. Call makePositive first. */
export function bruteForce(model: Module, [c, h, w]: [number, number, number]): Map<string, ReceptiveField[][]> {
  const gen = new Generator(3);
  const base = Float32Array.from({ length: c * h * w }, () => 0.1 + 0.9 * gen.random());
  const ref = recordActivations(model, new Tensor(base, [1, c, h, w])).layers;
  const boxes = new Map<string, ReceptiveField[][]>();
  for (const a of ref) {
    if (a.shape.length !== 4) continue;
    boxes.set(a.path, Array.from({ length: a.shape[2]! }, () => Array.from({ length: a.shape[3]! }, () => ({ y0: h, y1: -1, x0: w, x1: -1 }))));
  }
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      const x = base.slice();
      for (let ch = 0; ch < c; ch++) x[(ch * h + py) * w + px] = Infinity;
      const got = recordActivations(model, new Tensor(x, [1, c, h, w])).layers;
      got.forEach((a, li) => {
        const grid = boxes.get(a.path);
        if (!grid) return;
        const [, ch, oh, ow] = a.shape as [number, number, number, number];
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            let changed = false;
            for (let k = 0; k < ch && !changed; k++) {
              const i = (k * oh + oy) * ow + ox;
              changed = !Object.is(a.data[i], ref[li]!.data[i]);
            }
            if (!changed) continue;
            const b = grid[oy]![ox]!;
            b.y0 = Math.min(b.y0, py); b.y1 = Math.max(b.y1, py);
            b.x0 = Math.min(b.x0, px); b.x1 = Math.max(b.x1, px);
          }
        }
      });
    }
  }
  return boxes;
}

/** Asserts receptiveField equals brute force for every unit of every 4-D layer; returns how many layers were checked. */
export function assertMatchesBruteForce(model: Module, shape: [number, number, number]): number {
  makePositive(model);
  const boxes = bruteForce(model, shape);
  for (const [path, grid] of boxes) {
    grid.forEach((row, y) => row.forEach((want, x) => {
      assert.deepEqual(receptiveField(model, shape, path, [y, x]), want, `layer ${path} unit [${y}, ${x}]`);
    }));
  }
  return boxes.size;
}
