/**
 * Scope-based release of tensor memory, so that a training loop runs in flat
 * memory without any dispose() calls in user code. `scope(fn)` tracks every
 * buffer allocated while fn runs; when fn returns, buffers not reachable from
 * its result (or marked with `keep`) go back to the backend's pool. Code that
 * never uses a scope simply leaves buffers to the garbage collector.
 */
import { getBackend } from '../backend/configure.js';

/** The memory behind one or more tensors (views share a Storage). */
export class Storage {
  /** The data, or null once released (reading it then is a bug, reported loudly). */
  buf: Float32Array | null;
  kept = false;
  /** A forward hook saw it (and may keep it): no implicit scope releases or moves it. */
  pinned = false;
  constructor(buf: Float32Array) {
    this.buf = buf;
  }
}

interface Frame {
  storages: Storage[];
}

const frames: Frame[] = [];

/** True while a scope() (a user's, or the implicit one of a top-level forward) is running. */
export function inScope(): boolean {
  return frames.length > 0;
}

/** Registers a freshly allocated storage with the innermost scope, if any. */
export function track(s: Storage): void {
  frames[frames.length - 1]?.storages.push(s);
}

/** Marks a storage as owned by long-lived state (parameters, optimiser buffers, gradients). */
export function keepStorage(s: Storage): void {
  s.kept = true;
}

/** Anything that holds a storage and may hold a graph edge (Tensor implements this). */
export interface Escapable {
  readonly storageRef: Storage;
  dropGraph(): void;
}

function collect(value: unknown, out: Escapable[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 3) return;
  if ('storageRef' in value && 'dropGraph' in value) {
    out.push(value as Escapable);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, out, depth + 1);
  }
}

/**
 * Runs fn and releases the memory of every tensor it created that does not
 * escape. Tensors in the result (directly, or in an array or plain object)
 * escape, detached from the autograd graph (their inputs are gone).
 *
 * @example
 * const loss = scope(() => {
 *   const l = F.crossEntropy(model.forward(x), y);
 *   l.backward();
 *   opt.step();
 *   return l;            // escapes, detached
 * });
 */
export function scope<T>(fn: () => T): T {
  const frame: Frame = { storages: [] };
  frames.push(frame);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    frames.pop();
    release(frame.storages, new Set());
    throw e;
  }
  frames.pop();
  const escaping: Escapable[] = [];
  collect(result, escaping);
  const keepSet = new Set<Storage>();
  for (const t of escaping) {
    keepSet.add(t.storageRef);
    if (frame.storages.includes(t.storageRef)) t.dropGraph();
  }
  const parent = frames[frames.length - 1];
  if (parent) for (const s of keepSet) if (frame.storages.includes(s)) parent.storages.push(s);
  release(frame.storages, keepSet);
  return result;
}

/**
 * The implicit scope of a forward called outside any scope with gradients
 * off (`noGrad(() => model.forward(x))` in a serving loop): everything the
 * forward allocated goes back to the pool except the result and whatever a
 * forward hook saw (pinned), and the result's memory, if the backend's
 * buffers are not garbage-collected memory (wasm), moves to memory that is:
 * nothing that outlives the call is left in the backend's heap, where only a
 * FinalizationRegistry (which a synchronous loop never lets run) could free it.
 */
export function implicitScope(fn: () => Escapable): Escapable {
  const frame: Frame = { storages: [] };
  frames.push(frame);
  let out: Escapable;
  try {
    out = fn();
  } catch (e) {
    frames.pop();
    release(frame.storages, new Set(), true);
    throw e;
  }
  frames.pop();
  const s = out.storageRef;
  const own = frame.storages.includes(s);
  if (own) out.dropGraph();
  release(frame.storages, new Set([s]), true);
  const backend = getBackend();
  if (own && !s.kept && !s.pinned && s.buf && backend.allocCollected) {
    const moved = backend.allocCollected(s.buf.length, false);
    moved.set(s.buf);
    backend.release(s.buf);
    s.buf = moved;
  }
  return out;
}

/** Marks a storage as seen by a forward hook (see implicitScope). */
export function pinStorage(s: Storage): void {
  s.pinned = true;
}

/**
 * Releases one storage now, before its scope ends: for an owner that knows
 * the memory has no other user (a graph freeing an activation after its last
 * use in inference). Kept storages are left alone; a second release is a no-op.
 */
export function releaseStorage(s: Storage): void {
  if (s.kept || !s.buf) return;
  getBackend().release(s.buf);
  s.buf = null;
}

function release(storages: Storage[], escaping: Set<Storage>, implicit = false): void {
  const backend = getBackend();
  for (const s of storages) {
    if (s.kept || escaping.has(s) || !s.buf || (implicit && s.pinned)) continue;
    backend.release(s.buf);
    s.buf = null;
  }
}
