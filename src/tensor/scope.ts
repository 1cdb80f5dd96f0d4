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
  /**
   * A forward hook saw it during a top-level forward's implicit scope (and may keep it): its data
   * moved to garbage-collected memory, and no scope releases it.
   */
  pinned = false;
  constructor(buf: Float32Array) {
    this.buf = buf;
  }
}

interface Frame {
  storages: Storage[];
  /** The implicit scope of a top-level forward (always frames[0] when present). */
  implicit?: boolean;
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

/**
 * Marks a storage as owned by long-lived state (parameters, optimiser
 * buffers, gradients). Where the backend's kernels read their own memory in
 * place (wasm), such state moves there: a Linear layer's weight is then
 * read where it lies, not copied in on every call. (That memory returns to
 * the backend when the tensor is garbage-collected.)
 */
export function keepStorage(s: Storage): void {
  s.kept = true;
  const backend = getBackend();
  if (s.buf && backend.owns && !backend.owns(s.buf)) {
    const resident = backend.alloc(s.buf.length, false);
    resident.set(s.buf);
    s.buf = resident;
  }
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
 * escape, detached from the autograd graph (their inputs are gone). Read
 * an escaping tensor's `.data` after the scope returns: at top level its
 * memory moves to garbage-collected memory on the way out (wasm).
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
  const { result, frame } = runInFrame(fn, false);
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
  // At top level nothing will release an escaping tensor: its memory moves out of the backend's heap
  // (wasm), which only a FinalizationRegistry could free, and that never runs in a synchronous loop.
  if (!parent) for (const s of keepSet) if (!s.kept && !s.pinned && frame.storages.includes(s)) toCollected(s);
  return result;
}

/**
 * Runs `fn` with a new frame on the stack: what it allocates is tracked in
 * the frame. On a throw everything it allocated goes back to the pool; on a
 * return the frame is popped and handed to the caller to release.
 */
function runInFrame<T>(fn: () => T, implicit: boolean): { result: T; frame: Frame } {
  const frame: Frame = implicit ? { storages: [], implicit } : { storages: [] };
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
  return { result, frame };
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
  const { result: out, frame } = runInFrame(fn, true);
  const s = out.storageRef;
  const own = frame.storages.includes(s);
  if (own) out.dropGraph();
  release(frame.storages, new Set([s]));
  if (own && !s.kept && !s.pinned) toCollected(s);
  return out;
}

/**
 * Moves a storage's data to memory the garbage collector owns, where the
 * backend's is not such memory (wasm), and gives the old buffer back to the
 * pool. Only for storages a scope tracks: nothing outside holds their buffer.
 */
function toCollected(s: Storage): void {
  const backend = getBackend();
  if (!backend.allocCollected || !s.buf) return;
  const moved = backend.allocCollected(s.buf.length, false);
  moved.set(s.buf);
  backend.release(s.buf);
  s.buf = moved;
}

/**
 * A forward hook is about to see `s` (and may keep it). Inside a top-level
 * forward's implicit scope, a storage that forward allocated moves to
 * garbage-collected memory and is never released by a scope: a hook that
 * keeps the tensor (or its `.data`) keeps valid data, and a hook that only
 * copies it leaves nothing behind in the backend's heap. Elsewhere (a user's
 * scope, a forward with a tape) nothing changes.
 */
export function pinStorage(s: Storage): void {
  if (!frames[0]?.implicit || s.pinned || s.kept || !s.buf) return;
  if (!frames.some((f) => f.storages.includes(s))) return; // the caller's tensor: not ours to move
  s.pinned = true;
  toCollected(s);
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

/**
 * Gives up long-lived ownership of a storage (a gradient that `zeroGrad()`
 * drops): its memory leaves the backend's heap for garbage-collected memory,
 * so the heap does not grow with every dropped gradient, while a reference a
 * caller still holds keeps reading the same values.
 */
export function disownStorage(s: Storage): void {
  // Only gradients the tape allocated (kept, in no scope); still kept afterwards: nothing may release it.
  if (!s.kept || !s.buf) return;
  toCollected(s);
}

function release(storages: Storage[], escaping: Set<Storage>): void {
  const backend = getBackend();
  for (const s of storages) {
    if (s.kept || s.pinned || escaping.has(s) || !s.buf) continue;
    backend.release(s.buf);
    s.buf = null;
  }
}
