/**
 * The one kernel registry. Backends are registered explicitly (no import side
 * effects); the active backend serves each kernel it implements and the js
 * reference backend serves the rest.
 */
import type { Backend, KernelName, KernelTable } from './kernels.js';
import { FoveaError } from '../errors.js';
import { createJsBackend } from './js/index.js';
import { createWasmBackend, wasmSimdSupported } from './wasm/wasm-backend.js';

const backends = new Map<string, Backend>();
let reference: Backend | null = null;
let active: Backend | null = null;
let table: KernelTable | null = null;

/** Registers a backend. The first one registered with `reference: true` is the oracle. */
export function registerBackend(backend: Backend, options: { reference?: boolean } = {}): void {
  backends.set(backend.name, backend);
  if (options.reference) reference ??= backend;
  if (!active) setBackend(backend.name);
}

/** Makes `name` the active backend. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) {
    throw new FoveaError(`unknown backend '${name}'; registered: ${[...backends.keys()].join(', ') || 'none'}`);
  }
  active = b;
  table = null;
}

/**
 * The active backend. When none was registered, the defaults are registered
 * on this first use (lazily: importing fovea has no side effects): the js
 * reference backend, and the wasm backend where WebAssembly SIMD is
 * available, which then is the active one. `FOVEA_BACKEND=js` (environment)
 * keeps js active.
 */
export function getBackend(): Backend {
  if (!active) registerDefaultBackends();
  return active!;
}

/** Registers js (the reference) and, where supported, wasm; activates wasm unless FOVEA_BACKEND says otherwise. */
export function registerDefaultBackends(): void {
  if (!backends.has('js')) registerBackend(createJsBackend(), { reference: true });
  if (!backends.has('wasm') && wasmSimdSupported()) registerBackend(createWasmBackend());
  const wanted = typeof process !== 'undefined' ? process.env?.['FOVEA_BACKEND'] : undefined;
  if (wanted) setBackend(wanted);
  else if (backends.has('wasm')) setBackend('wasm');
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Which backend serves `kernel` now: the active one, or the reference as fallback. */
export function kernelProvider(kernel: KernelName): string {
  const b = getBackend();
  return b.kernels[kernel] ? b.name : (reference?.name ?? 'none');
}

/** The resolved kernel table (active backend over the reference). */
export function kernels(): KernelTable {
  if (table) return table;
  const b = getBackend();
  const ref = reference ?? b;
  table = { ...ref.kernels, ...b.kernels } as KernelTable;
  return table;
}
