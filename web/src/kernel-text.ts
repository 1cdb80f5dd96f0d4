/**
 * Reading a filter typed or pasted by the user into the weights of one
 * conv filter, and writing a filter back as text. Lenient about separators
 * (spaces, commas, tabs, brackets) so that a kernel copied from NumPy, a
 * JSON array or a textbook table all work; strict about the numbers.
 */

/** A parse result: the filter's weights `[inChannels, kH, kW]` flattened, or a message saying what is wrong. */
export type KernelParse = { ok: true; weights: Float32Array } | { ok: false; message: string };

/**
 * Parses rows of numbers into a filter of `inChannels` x `kh` x `kw` weights.
 *
 * - One row per line (or separated by `;` or `],[`), numbers separated by
 *   spaces or commas; fractions like `1/9` are allowed.
 * - A blank line separates input channels; a single block is used for every
 *   input channel.
 * - A smaller kernel with the same parity (3x3 into 5x5) is centred and padded
 *   with zeros, so classic 3x3 kernels fit a 5x5 layer.
 *
 * @example
 * parseKernel('-1 0 1\n-2 0 2\n-1 0 1', 1, 5, 5)   // Sobel x, centred in a 5x5 filter
 */
export function parseKernel(text: string, inChannels: number, kh: number, kw: number): KernelParse {
  const blocks: number[][][] = [];
  let rows: number[][] = [];
  const lines = text.replace(/\]\s*,?\s*\[/g, '\n').replace(/;/g, '\n').split('\n');
  for (const [n, line] of lines.entries()) {
    const cleaned = line.replace(/[[\]]/g, ' ').trim();
    if (!cleaned) {
      if (rows.length) blocks.push(rows);
      rows = [];
      continue;
    }
    const row: number[] = [];
    for (const tok of cleaned.split(/[\s,]+/).filter(Boolean)) {
      const v = parseNumber(tok);
      if (v === null) return { ok: false, message: `line ${n + 1}: '${tok}' is not a number` };
      row.push(v);
    }
    rows.push(row);
  }
  if (rows.length) blocks.push(rows);
  if (!blocks.length) return { ok: false, message: 'type a kernel: rows of numbers, one row per line' };
  if (blocks.length !== 1 && blocks.length !== inChannels) {
    return { ok: false, message: `got ${blocks.length} blocks; give one (used for every input channel) or ${inChannels} (one per input channel), separated by blank lines` };
  }
  const weights = new Float32Array(inChannels * kh * kw);
  for (let c = 0; c < inChannels; c++) {
    const block = blocks[blocks.length === 1 ? 0 : c]!;
    const h = block.length;
    const w = block[0]!.length;
    if (block.some((r) => r.length !== w)) return { ok: false, message: `every row needs the same number of values (block ${c + 1} has rows of ${block.map((r) => r.length).join(', ')})` };
    if (h > kh || w > kw || (kh - h) % 2 !== 0 || (kw - w) % 2 !== 0) {
      return { ok: false, message: `a ${h}x${w} kernel does not fit this ${kh}x${kw} filter (it must be ${kh}x${kw}, or smaller by an even amount to be centred)` };
    }
    const top = (kh - h) / 2;
    const left = (kw - w) / 2;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) weights[(c * kh + top + i) * kw + left + j] = block[i]![j]!;
  }
  return { ok: true, weights };
}

function parseNumber(tok: string): number | null {
  const frac = /^([+-]?[\d.]+(?:e[+-]?\d+)?)\/([\d.]+(?:e[+-]?\d+)?)$/i.exec(tok);
  const v = frac ? Number(frac[1]) / Number(frac[2]) : Number(tok);
  return Number.isFinite(v) && tok !== '' ? v : null;
}

/**
 * A filter's weights as text that {@link parseKernel} reads back: one row per
 * line, input channels separated by blank lines, 4 significant digits.
 *
 * @example formatKernel(Float32Array.of(1, 0, 0, 1), 1, 2, 2)   // '1 0\n0 1'
 */
export function formatKernel(weights: ArrayLike<number>, inChannels: number, kh: number, kw: number): string {
  const blocks: string[] = [];
  for (let c = 0; c < inChannels; c++) {
    const rows: string[] = [];
    for (let i = 0; i < kh; i++) {
      const row: string[] = [];
      for (let j = 0; j < kw; j++) row.push(String(Number(weights[(c * kh + i) * kw + j]!.toPrecision(4))));
      rows.push(row.join(' '));
    }
    blocks.push(rows.join('\n'));
  }
  return blocks.join('\n\n');
}

/** Classic hand-made kernels for the filter editor's menu. */
export const KERNEL_PRESETS: Readonly<Record<string, string>> = {
  'Sobel x (vertical edges)': '-1 0 1\n-2 0 2\n-1 0 1',
  'Sobel y (horizontal edges)': '-1 -2 -1\n0 0 0\n1 2 1',
  'blur (3x3 mean)': '1/9 1/9 1/9\n1/9 1/9 1/9\n1/9 1/9 1/9',
  'sharpen': '0 -1 0\n-1 5 -1\n0 -1 0',
  'Laplacian (outline)': '0 1 0\n1 -4 1\n0 1 0',
  'identity': '1',
};
