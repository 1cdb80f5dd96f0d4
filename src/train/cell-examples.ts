/**
 * The examples behind each cell of a confusion matrix, the most confident
 * first: for every (actual, predicted) pair, the N examples the model was
 * surest of, with their class probabilities. What a report shows when a
 * confusion-matrix cell is clicked ("which 7s did it call 1s, and how sure
 * was it?").
 */

/** One example: its dataset index, its cell, and the model's class probabilities for it. */
export interface CellExample {
  index: number;
  actual: number;
  predicted: number;
  /** The probability of the predicted class (softmax of the logits). */
  confidence: number;
  probabilities: Float32Array;
}

/**
 * Keeps, for each cell, the `perCell` most confident examples seen so far
 * (ties: the earlier dataset index first), in memory proportional to the
 * cells, not the data set.
 *
 * @example
 * const cells = new CellExamples(10, 16);
 * cells.addBatch(logits.data, batch.y, batch.indices);
 * cells.cell(7, 1);   // the 7s called 1s, surest first
 */
export class CellExamples {
  private readonly cells = new Map<number, CellExample[]>();

  constructor(readonly numClasses: number, readonly perCell = 16) {
    if (!Number.isInteger(perCell) || perCell < 1) throw new RangeError(`CellExamples: perCell must be a positive integer, got ${perCell}`);
  }

  /** Adds a batch: logits [B, C] (flat), labels, dataset indices. */
  addBatch(logits: Float32Array, labels: ArrayLike<number>, indices: ArrayLike<number>): void {
    const c = this.numClasses;
    for (let i = 0; i < labels.length; i++) {
      const p = softmaxRow(logits.subarray(i * c, (i + 1) * c));
      let pred = 0;
      for (let k = 1; k < c; k++) if (p[k]! > p[pred]!) pred = k;
      const actual = labels[i]!;
      const key = actual * c + pred;
      let list = this.cells.get(key);
      if (!list) this.cells.set(key, (list = []));
      const e: CellExample = { index: indices[i]!, actual, predicted: pred, confidence: p[pred]!, probabilities: p };
      if (list.length === this.perCell && !before(e, list[list.length - 1]!)) continue;
      let at = list.length;
      while (at > 0 && before(e, list[at - 1]!)) at--;
      list.splice(at, 0, e);
      if (list.length > this.perCell) list.pop();
    }
  }

  /** The kept examples of cell (actual, predicted), the most confident first. */
  cell(actual: number, predicted: number): readonly CellExample[] {
    return this.cells.get(actual * this.numClasses + predicted) ?? [];
  }

  /** Every kept example, cell by cell (row-major), the most confident first within a cell. */
  all(): CellExample[] {
    return [...this.cells.keys()].sort((a, b) => a - b).flatMap((k) => this.cells.get(k)!);
  }
}

function before(a: CellExample, b: CellExample): boolean {
  return a.confidence > b.confidence || (a.confidence === b.confidence && a.index < b.index);
}

function softmaxRow(z: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  const out = new Float32Array(z.length);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += out[k] = Math.exp(z[k]! - max);
  for (let k = 0; k < z.length; k++) out[k]! /= sum;
  return out;
}
