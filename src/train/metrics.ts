/**
 * Classification metrics: a confusion matrix with accuracy, per-class
 * accuracy and the examples behind each cell.
 */
export class ConfusionMatrix {
  /** counts[actual * numClasses + predicted] */
  readonly counts: Int32Array;
  /** Dataset indices of misclassified examples, by cell key `${actual},${predicted}`. */
  readonly examples = new Map<string, number[]>();
  total = 0;
  correct = 0;
  topKCorrect = 0;

  constructor(readonly numClasses: number, readonly topK = 1, readonly keepExamples = 20) {
    this.counts = new Int32Array(numClasses * numClasses);
  }

  /** Adds a batch: logits or probabilities [B, C] (flat), labels, and their dataset indices. */
  addBatch(scores: Float32Array, labels: ArrayLike<number>, indices?: ArrayLike<number>): void {
    const c = this.numClasses;
    for (let i = 0; i < labels.length; i++) {
      const row = scores.subarray(i * c, (i + 1) * c);
      let pred = 0;
      for (let k = 1; k < c; k++) if (row[k]! > row[pred]!) pred = k;
      const actual = labels[i]!;
      this.counts[actual * c + pred]!++;
      this.total++;
      if (pred === actual) this.correct++;
      else if (indices) {
        const key = `${actual},${pred}`;
        let l = this.examples.get(key);
        if (!l) this.examples.set(key, (l = []));
        if (l.length < this.keepExamples) l.push(indices[i]!);
      }
      if (this.topK > 1) {
        const target = row[actual]!;
        let higher = 0;
        for (let k = 0; k < c; k++) if (row[k]! > target) higher++;
        if (higher < this.topK) this.topKCorrect++;
      } else if (pred === actual) this.topKCorrect++;
    }
  }

  get accuracy(): number {
    return this.total ? this.correct / this.total : 0;
  }

  get topKAccuracy(): number {
    return this.total ? this.topKCorrect / this.total : 0;
  }

  /** Recall of each class: correct / examples of that class. */
  perClassAccuracy(): number[] {
    const c = this.numClasses;
    return Array.from({ length: c }, (_, a) => {
      let row = 0;
      for (let p = 0; p < c; p++) row += this.counts[a * c + p]!;
      return row ? this.counts[a * c + a]! / row : 0;
    });
  }

  /** The matrix as rows (actual) of columns (predicted). */
  toRows(): number[][] {
    const c = this.numClasses;
    return Array.from({ length: c }, (_, a) => Array.from(this.counts.subarray(a * c, (a + 1) * c)));
  }

  /** A text table with class names. */
  format(classNames: readonly string[]): string {
    const names = classNames.map((n) => n.slice(0, 8));
    const w = Math.max(6, ...names.map((n) => n.length), ...Array.from(this.counts, (v) => String(v).length)) + 1;
    const head = 'actual\\pred'.padEnd(12) + names.map((n) => n.padStart(w)).join('');
    const rows = this.toRows().map((r, i) => (names[i] ?? String(i)).padEnd(12) + r.map((v) => String(v).padStart(w)).join(''));
    return [head, ...rows].join('\n');
  }
}
