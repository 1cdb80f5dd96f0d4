/**
 * What every ONNX converter shares: the values it sees (constants known at
 * import time, tensors computed at run time), the context the importer hands
 * it, and the attribute helpers of the 2-D operators.
 */
import type { GraphNodeAttrs, GraphOp } from '../../nn/graph-module.js';
import type { Module } from '../../nn/module.js';
import type { OnnxNode } from './onnx-proto.js';

/** The batch dim while shapes are traced at import time: a size no real layer has, so Shape/Gather can tell it apart. */
export const BATCH = 9973;

/** A constant known at import time: an initializer, a Constant node, or a folded shape computation. */
export interface ConstValue {
  dims: number[];
  data: Float32Array | number[];
}

/** A value computed when the model runs: its name in the GraphModule and its shape (batch = BATCH). */
export interface TensorValue {
  ref: string;
  shape: number[];
}

export type Value = { kind: 'tensor'; t: TensorValue } | { kind: 'const'; c: ConstValue };

/** What a converter returns: the value of its first output, or of each output in order (Split). */
export type Converted = Value | Value[];

/** What a converter can ask of the importer. */
export interface OpContext {
  readonly node: OnnxNode;
  readonly opset: number;
  /** The model's static batch size when its input declares one (a Reshape to [1, -1] in a batch-1 export). */
  readonly declaredBatch: number | null;
  has(i: number): boolean;
  isConst(i: number): boolean;
  constant(i: number): ConstValue;
  /** Input i as a runtime value (a constant becomes a graph constant). */
  tensor(i: number): TensorValue;
  attrI(name: string, fallback: number): number;
  attrF(name: string, fallback: number): number;
  attrInts(name: string): number[] | undefined;
  attrFloats(name: string): number[];
  attrS(name: string, fallback: string): string;
  /** The tensor attribute `name` (Constant's value, ConstantOfShape's value). */
  attrT(name: string): OnnxNode['attributes'][number]['t'];
  /** Whether the node sets attribute `name` (and so that the converter looked at it). */
  hasAttr(name: string): boolean;
  module(m: Module, input: TensorValue, suffix?: string): TensorValue;
  fn(op: GraphOp, inputs: TensorValue[], attrs?: GraphNodeAttrs): TensorValue;
  /** A constant as a graph value (a buffer of the GraphModule), e.g. a scalar operand of an arithmetic node. */
  constTensor(c: ConstValue, name: string): TensorValue;
  /** Whether output i of this node is used by a later node or is a graph output. */
  outputUsed(i: number): boolean;
  fail(problem: string): never;
}

export type Converter = (c: OpContext) => Converted;
export const T = (t: TensorValue): Value => ({ kind: 'tensor', t });
export const C = (c: ConstValue): Value => ({ kind: 'const', c });
export const numel = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

/** [top, left, bottom, right] pads from pads / auto_pad (SAME_UPPER puts the odd pixel at the end). */
export function spatialPads(c: OpContext, x: TensorValue, k: readonly number[], s: readonly number[], d: readonly number[]): [number, number, number, number] {
  const auto = c.attrS('auto_pad', 'NOTSET');
  const given = c.attrInts('pads'); // auto_pad, when set, decides (the spec forbids both)
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const p = [0, 1].map((i) => {
      const size = x.shape[2 + i]!;
      const total = Math.max(0, (Math.ceil(size / s[i]!) - 1) * s[i]! + (k[i]! - 1) * d[i]! + 1 - size);
      const small = Math.floor(total / 2);
      return auto === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    }) as [[number, number], [number, number]];
    return [p[0][0], p[1][0], p[0][1], p[1][1]];
  }
  if (auto !== 'NOTSET') c.fail(`auto_pad '${auto}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const pads = given ?? [0, 0, 0, 0];
  if (pads.length !== 4 || pads.some((v) => v < 0)) c.fail(`pads [${pads.join(', ')}] must be 4 values >= 0 for a 2-D operator`);
  return pads as [number, number, number, number];
}

export function spatial(c: OpContext, name: string, fallback: number): [number, number] {
  const v = c.attrInts(name) ?? [fallback, fallback];
  if (v.length !== 2 || v.some((x) => !Number.isInteger(x) || x < 1)) c.fail(`${name} [${v.join(', ')}] must be two integers >= 1 (only 2-D operators are supported)`);
  return v as [number, number];
}

export function input4d(c: OpContext): TensorValue {
  const x = c.tensor(0);
  if (x.shape.length !== 4) c.fail(`expects a 4-D input [N, C, H, W], got rank ${x.shape.length}`);
  return x;
}

export const symmetric = (p: readonly number[]): boolean => p[0] === p[2] && p[1] === p[3];
