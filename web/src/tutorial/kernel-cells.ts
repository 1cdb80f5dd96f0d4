/**
 * The tutorial page's filters as the user types them: a grid of text cells
 * per filter, read into numbers with the exact cell named when one is not a
 * number, and the negation and transpose the tutorial talks about.
 */
import type { Kernel } from 'fovea';

/** The filters read from their cells, or what is wrong and where (filter, row and column counted from 1). */
export type ReadKernels = { kernels: number[][][]; error: null } | { kernels: null; error: string; filter: number; row: number; col: number };

/**
 * Reads `cells[filter][row][col]` (the text of each input) as numbers:
 * decimals, a leading minus or the typographic − (U+2212), and fractions
 * such as `1/9` are accepted.
 * @example readKernels([[['-1', '1'], ['−1', '1/2']]]) // { kernels: [[[-1, 1], [-1, 0.5]]], error: null }
 */
export function readKernels(cells: readonly (readonly (readonly string[])[])[]): ReadKernels {
  const kernels: number[][][] = [];
  for (let f = 0; f < cells.length; f++) {
    const k: number[][] = [];
    for (let r = 0; r < cells[f]!.length; r++) {
      const row: number[] = [];
      for (let c = 0; c < cells[f]![r]!.length; c++) {
        const text = cells[f]![r]![c]!;
        const v = cellValue(text);
        if (v === null) {
          return { kernels: null, error: `filter ${f + 1}, row ${r + 1}, column ${c + 1}: ${text.trim() ? `'${text.trim()}' is not a number` : 'empty; type a number (0 for none)'}`, filter: f, row: r, col: c };
        }
        row.push(v);
      }
      k.push(row);
    }
    kernels.push(k);
  }
  return { kernels, error: null };
}

function cellValue(text: string): number | null {
  const t = text.trim().replace(/\u2212/g, '-');
  const frac = /^(-?\d+(?:\.\d*)?)\s*\/\s*(\d+(?:\.\d*)?)$/.exec(t);
  if (frac) {
    const v = Number(frac[1]) / Number(frac[2]);
    return Number.isFinite(v) ? v : null;
  }
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(t)) return null;
  return Number(t);
}

/** Every weight negated: the filter that fires on the opposite edge (dark-to-light instead of light-to-dark). */
export function negate(k: Kernel): number[][] {
  return k.map((row) => row.map((v) => (v === 0 ? 0 : -v)));
}

/** Rows become columns: a vertical-edge filter becomes a horizontal-edge one. */
export function transpose(k: Kernel): number[][] {
  return (k[0] ?? []).map((_, c) => k.map((row) => row[c]!));
}

/** A weight as it is shown in a cell: integers as they are, others to 4 significant digits. */
export function cellText(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
