/**
 * Receptive fields through a GraphModule (ONNX and TF.js imports, cut
 * backbones): the reach of a unit is carried backwards over the DAG, node by
 * node in reverse topological order, and every value collects the union of
 * what its consumers reach in it. Module nodes use the layer rules of
 * receptive-field.ts (passed in, so that file and this one do not import each
 * other); the functional nodes have their own rules here.
 */
import type { GraphModule, GraphNode } from '../nn/graph-module.js';
import type { Module } from '../nn/module.js';
import { broadcast, mapRegions, slice, union, type Reach } from './receptive-field-reach.js';

/** Maps the reach at a module's output back to its input (receptive-field.ts's `back`). */
export type ModuleBack = (m: Module, inShape: readonly number[], reach: Reach) => Reach;

/**
 * The reach in `g`'s input of `reach` in value `start`, for shapes of every
 * value (`g.valueShapes(inputShape)`). Constants carry nothing from the input
 * and are skipped; a value that does not depend on the input reaches nothing
 * (an empty reach).
 */
export function graphBack(g: GraphModule, shapes: Map<string, readonly number[]>, start: string, reach: Reach, back: ModuleBack): Reach {
  const reaches = new Map<string, Reach>([[start, reach]]);
  const nodes = g.graph.nodes;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    const r = reaches.get(node.name);
    if (r === undefined) continue;
    const inShapes = node.inputs.map((v) => shapes.get(v)!);
    const ins = node.op === 'module' ? [back(g.module(node.name), inShapes[0]!, r)] : nodeBack(node, r, shapes.get(node.name)!, inShapes);
    node.inputs.forEach((v, k) => {
      if (g.constant(v)) return;
      const prev = reaches.get(v);
      reaches.set(v, prev === undefined ? ins[k]! : union(prev, ins[k]!));
    });
  }
  return reaches.get(g.graph.input) ?? [];
}

/**
 * The reach in each input of a functional node. Regions live on a value's
 * last two axes (H, W), so a node that keeps those axes where they are
 * (element-wise ops, concat along channels, reshapes of the leading dims)
 * passes regions on; one that moves or merges them (flattening, matmul)
 * mixes every position: 'all'.
 */
function nodeBack(node: GraphNode, reach: Reach, out: readonly number[], ins: (readonly number[])[]): Reach[] {
  const rank = out.length;
  const spatial = (s: readonly number[]) => s.length >= 3 && rank >= 3;
  switch (node.op) {
    case 'add': case 'sub': case 'mul': case 'div':
      // Broadcasting aligns shapes on the right: the last two axes are H and W of both (or size 1, stretched).
      return ins.map((s) => (spatial(s) ? mapRegions(reach, (r) => [{ ys: broadcast(r.ys, s[s.length - 2]!), xs: broadcast(r.xs, s[s.length - 1]!) }]) : 'all'));
    case 'concat': {
      const d = (node.attrs?.dim ?? 0) < 0 ? (node.attrs?.dim ?? 0) + rank : node.attrs?.dim ?? 0;
      if (rank < 3) return ins.map(() => 'all');
      if (d < rank - 2) return ins.map(() => reach);
      // Along H or W each input owns a slice of that axis.
      let start = 0;
      return ins.map((s) => {
        const n = s[d]!;
        const at = start;
        start += n;
        return mapRegions(reach, (r) => [d === rank - 2 ? { ys: slice(r.ys, at, n), xs: r.xs } : { ys: r.ys, xs: slice(r.xs, at, n) }]);
      });
    }
    case 'reshape': case 'squeeze': case 'unsqueeze': {
      // The H*W block of each leading index is contiguous, so a reshape that keeps the last two dims keeps every (y, x).
      const s = ins[0]!;
      const keeps = spatial(s) && s[s.length - 2] === out[rank - 2] && s[s.length - 1] === out[rank - 1];
      return [keeps ? reach : 'all'];
    }
    case 'permute': {
      const p = (node.attrs?.dims ?? []).map((d) => (d < 0 ? d + rank : d));
      if (!spatial(ins[0]!)) return ['all'];
      if (p[rank - 2] === rank - 2 && p[rank - 1] === rank - 1) return [reach];
      if (p[rank - 2] === rank - 1 && p[rank - 1] === rank - 2) return [mapRegions(reach, (r) => [{ ys: r.xs, xs: r.ys }])];
      return ['all'];
    }
    default:
      // matmul: every output mixes a whole row or column of its inputs.
      return ins.map(() => 'all');
  }
}
