/**
 * A layer table of a model, computed from `outputShape` without running it.
 */
import { moduleLabel, type Module } from './module.js';
import { Sequential } from './sequential.js';
import { GraphModule } from './graph-module.js';

export interface SummaryRow {
  /** Dotted path, as in parameter names. */
  name: string;
  type: string;
  outputShape: number[];
  params: number;
}

/** One row per leaf layer (Sequentials and graphs are walked), with output shapes for `inputShape` (batch dim included). */
export function summarize(model: Module, inputShape: readonly number[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const walk = (m: Module, name: string, shape: number[]): number[] => {
    if (m instanceof Sequential) {
      let s = shape;
      for (const [n, c] of m.namedChildren()) s = walk(c, name ? `${name}.${n}` : n, s);
      return s;
    }
    if (m instanceof GraphModule) {
      // One row per node of the graph (layers and joins such as add / concat), named as in the graph.
      const shapes = m.valueShapes(shape);
      for (const node of m.graph.nodes) {
        const child = node.op === 'module' ? m.module(node.name) : null;
        rows.push({ name: name ? `${name}.${node.name}` : node.name, type: child ? moduleLabel(child) : node.op, outputShape: [...shapes.get(node.name)!], params: child ? child.numParameters() : 0 });
      }
      return [...shapes.get(m.graph.output)!];
    }
    const out = m.outputShape(shape);
    const params = m.numParameters();
    rows.push({ name, type: moduleLabel(m), outputShape: out, params });
    return out;
  };
  walk(model, '', [...inputShape]);
  return rows;
}

/** The summary as a fixed-width text table. */
export function formatSummary(rows: readonly SummaryRow[], total: number): string {
  const lines = rows.map((r) => [r.name, r.type, `[${r.outputShape.join(', ')}]`, r.params.toLocaleString('en-US')]);
  const header = ['layer', 'type', 'output shape', 'params'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmtRow = (l: string[]): string => l.map((c, i) => (i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmtRow(header), sep, ...lines.map(fmtRow), sep, `total parameters: ${total.toLocaleString('en-US')}`].join('\n');
}
