/**
 * The Tensor: an eager float32 n-d array in row-major (NCHW) order, with a
 * define-by-run autograd tape. Each op validates shapes, runs a kernel by
 * name, and records a gradient rule written in terms of other ops.
 */
import { getBackend } from '../backend/configure.js';
import { FoveaError, ShapeError, ValueError, fmt } from '../errors.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import * as ops from './ops/index.js';
import { modulePath as modulePathForErrors } from './context.js';
import { Storage, disownStorage, inScope, keepStorage, track } from './scope.js';

/** The backward rule of one recorded op: maps the output gradient to one gradient per input. */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  backward(grad: Tensor): readonly (Tensor | null)[];
}

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export class Tensor {
  readonly shape: Shape;
  /** Number of elements. */
  private readonly elements: number;
  /** @internal the memory; views (reshape) share it. */
  readonly storageRef: Storage;
  /** Whether gradients flow into this tensor (parameters, or results of ops on them). */
  requiresGrad: boolean;
  /** The accumulated gradient after `backward()`, for leaves that require grad. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, or null for a leaf. */
  gradFn: GradFn | null = null;

  /** Wraps existing data (no copy). Prefer `tensor()`, `zeros()`, `randn()`. */
  constructor(data: Float32Array | Storage, shape: Shape, requiresGrad = false) {
    const size = numel(shape);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new ShapeError('tensor', `invalid shape ${fmt(shape)}: sizes must be non-negative integers`);
    }
    let storage: Storage;
    if (data instanceof Storage) storage = data;
    // Wrapped user data is never tracked by scope(): only buffers the backend allocated are recycled.
    else storage = new Storage(data);
    const buf = storage.buf;
    if (buf && buf.length !== size) {
      throw new ShapeError('tensor', `data has ${buf.length} elements but shape ${fmt(shape)} needs ${size}`);
    }
    this.shape = Object.freeze([...shape]);
    this.elements = size;
    this.storageRef = storage;
    this.requiresGrad = requiresGrad;
  }

  /** The flat float32 data (row-major). Shared, not copied: writing to it changes the tensor. */
  get data(): Float32Array {
    const b = this.storageRef.buf;
    if (!b) {
      throw new FoveaError(
        `tensor of shape ${fmt(this.shape)} was released at the end of the scope() that created it; return it from the scope to keep it`,
      );
    }
    return b;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements (PyTorch's numel()). */
  numel(): number {
    return this.elements;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.elements !== 1) throw new ShapeError('item', `only one-element tensors can be converted to a number; shape is ${fmt(this.shape)}`);
    return this.data[0]!;
  }

  /** A copy of the data as nested arrays (PyTorch's tolist()). */
  tolist(): unknown {
    const d = this.data;
    const build = (dim: number, off: number): unknown => {
      if (dim === this.shape.length) return d[off];
      const n = this.shape[dim]!;
      const stride = numel(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, off + i * stride));
    };
    return build(0, 0);
  }

  /** A copy of the flat data. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** `[n, c, h, w]`, or a ShapeError naming `op` if this is not a 4-D tensor. */
  dims4(op: string): [number, number, number, number] {
    if (this.shape.length !== 4) {
      throw new ShapeError(op, `expected a 4-D input [N, C, H, W], got shape ${fmt(this.shape)}`, ops.currentPath());
    }
    return this.shape as unknown as [number, number, number, number];
  }

  /** A tensor sharing this data but cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.storageRef, this.shape, false);
  }

  /** A copy with its own memory, still in the graph. */
  clone(): Tensor {
    return ops.mulScalar(this, 1);
  }

  /**
   * Marks this tensor's memory as long-lived state that no scope() releases.
   * On the wasm backend such state moves into the kernels' own memory, so
   * read `.data` after keep(), not before (an array taken before is a copy).
   */
  keep(): this {
    keepStorage(this.storageRef);
    return this;
  }

  /** @internal used by scope() when a tensor escapes. */
  dropGraph(): void {
    this.gradFn = null;
  }

  /** Sets requiresGrad in place (PyTorch's requires_grad_()). */
  requiresGrad_(flag = true): this {
    if (this.gradFn && !flag) throw new FoveaError('requiresGrad_(false) is only allowed on leaf tensors; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Backpropagates from this tensor: accumulates d(this)/d(leaf) into every
   * leaf's `.grad`. A non-scalar tensor needs an explicit `gradient`.
   */
  backward(gradient?: Tensor): void {
    if (!this.requiresGrad) {
      throw new FoveaError('backward(): this tensor does not require grad (no parameter or input with requiresGrad led to it, or it was computed under noGrad)');
    }
    if (!gradient && this.elements !== 1) {
      throw new ShapeError('backward', `gradient can be implied only for one-element outputs; shape is ${fmt(this.shape)}`);
    }
    if (gradient && gradient.elements !== this.elements) {
      throw new ShapeError('backward', `gradient shape ${fmt(gradient.shape)} does not match tensor shape ${fmt(this.shape)}`);
    }
    runBackward(this, gradient ?? ops.fullLike(this, 1));
  }

  toString(): string {
    const preview = this.storageRef.buf ? Array.from(this.data.subarray(0, 8), (v) => +v.toFixed(4)).join(', ') : 'released';
    return `Tensor(shape=${fmt(this.shape)}, [${preview}${this.elements > 8 ? ', ...' : ''}]${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- ops as methods (see ops/ for shapes and docs) ----
  add(other: Tensor | number): Tensor { return ops.add(this, other); }
  sub(other: Tensor | number): Tensor { return ops.sub(this, other); }
  mul(other: Tensor | number): Tensor { return ops.mul(this, other); }
  div(other: Tensor | number): Tensor { return ops.div(this, other); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  abs(): Tensor { return ops.abs(this); }
  square(): Tensor { return ops.square(this); }
  pow(exponent: number): Tensor { return ops.pow(this, exponent); }
  relu(): Tensor { return ops.relu(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sum(dim?: number | readonly number[], keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  max(dim: number, keepdim = false): Tensor { return ops.max(this, dim, keepdim); }
  argmax(dim: number, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  reshape(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return ops.permute(this, flatArgs(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return ops.squeeze(this, dim); }
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }
}

function flatArgs(args: number[] | [readonly number[]]): number[] {
  const first = args[0];
  return Array.isArray(first) ? [...(first as readonly number[])] : (args as number[]);
}

/** Topological order of the graph behind `root` (iterative DFS: deep nets don't overflow the stack). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i]!;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

function runBackward(root: Tensor, seed: Tensor): void {
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      if (!t.gradFn) {
        accumulateLeaf(t, g);
        continue;
      }
      const inGrads = t.gradFn.backward(g);
      t.gradFn.inputs.forEach((inp, k) => {
        const gi = inGrads[k];
        if (!gi || !inp.requiresGrad) return;
        if (gi.numel() !== inp.numel()) {
          throw new FoveaError(`internal: gradient of ${t.gradFn!.name} input ${k} has shape ${fmt(gi.shape)}, input is ${fmt(inp.shape)}`);
        }
        const prev = grads.get(inp);
        grads.set(inp, prev ? ops.add(prev, gi) : gi);
      });
    }
  });
}

/** Leaf gradients accumulate (never overwrite), in long-lived memory. */
function accumulateLeaf(t: Tensor, g: Tensor): void {
  if (t.grad && t.grad.storageRef.buf) {
    const dst = t.grad.data;
    const src = g.data;
    for (let i = 0; i < dst.length; i++) dst[i] = dst[i]! + src[i]!;
    return;
  }
  const buf = getBackend().alloc(t.numel(), false);
  buf.set(g.data);
  const s = new Storage(buf);
  keepStorage(s);
  t.grad = new Tensor(s, t.shape);
}

/**
 * Clears a parameter's gradient as `zeroGrad()` does: dropped (`setToNone`,
 * PyTorch's default) with its memory handed back, or zero-filled in place.
 * Without the hand-back, a loop of `zeroGrad(); backward(); step()` outside
 * any scope() grew the wasm heap by one gradient set per step.
 */
export function clearGrad(p: Tensor, setToNone: boolean): void {
  const g = p.grad;
  if (!g) return;
  if (!setToNone) {
    g.data.fill(0);
    return;
  }
  p.grad = null;
  disownStorage(g.storageRef);
}

/** Internal helpers for ops: allocate an output and record a gradient rule. */
export function empty(shape: Shape, zero = false): Tensor {
  const size = numel(shape);
  let buf: Float32Array;
  const backend = getBackend();
  try {
    // Outside every scope no scope will release the buffer, and a dropped result (with or without its tape)
    // must go as it would in PyTorch: where the backend's memory is not garbage-collected (wasm, whose
    // FinalizationRegistry never runs in a synchronous loop), take memory that is. Kernels copy it in.
    buf = backend.allocCollected && !inScope() ? backend.allocCollected(size, zero) : backend.alloc(size, zero);
  } catch (e) {
    // name the tensor: "out of memory" alone does not tell a user which batch or layer to shrink
    const where = modulePathForErrors();
    throw new FoveaError(
      `cannot allocate a tensor of shape ${fmt(shape)} (${(size * 4 / 2 ** 20).toFixed(1)} MiB)${where ? ` in ${where}` : ''}: ${(e as Error).message}`,
    );
  }
  const s = new Storage(buf);
  track(s);
  return new Tensor(s, shape);
}

/** Records `backward` on `out` when gradients are on and any input needs one. */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: (g: Tensor) => readonly (Tensor | null)[]): Tensor {
  if (!isGradEnabled()) return out;
  let needs = false;
  for (const t of inputs) if (t.requiresGrad) needs = true;
  if (!needs) return out;
  out.requiresGrad = true;
  out.gradFn = { name, inputs, backward };
  return out;
}

/** Throws a ValueError if any element is NaN or infinite (used by losses and the fit loop). */
export function assertFinite(t: Tensor, what: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) throw new ValueError(`${what} is ${d[i]} (at flat index ${i} of shape ${fmt(t.shape)})`);
  }
}
