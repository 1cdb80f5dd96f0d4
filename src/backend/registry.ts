/**
 * The one kernel registry. Backends are registered explicitly (no import side
 * effects); the active backend serves each kernel it implements and the js
 * reference backend serves the rest.
 *
 * The registry is abstract: it imports no backend, so importing it does not
 * pull in the wasm binary. Which backends are the defaults, registered on
 * first use, is decided in ./configure.ts (`getBackend`, `kernels`).
 */
import type { Backend, KernelName, KernelTable } from './kernels.js';
import { FoveaError } from '../errors.js';

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

/** The active backend, or null when none is registered yet (./configure.ts then registers the defaults). */
export function activeBackend(): Backend | null {
  return active;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Which backend serves `kernel` on the active backend: it, or the reference as fallback; null when none is registered. */
export function activeProvider(kernel: KernelName): string | null {
  if (!active) return null;
  return active.kernels[kernel] ? active.name : (reference?.name ?? 'none');
}

/** The resolved kernel table (active backend over the reference); null when none is registered. */
export function activeKernels(): KernelTable | null {
  if (table) return table;
  if (!active) return null;
  const ref = reference ?? active;
  table = { ...ref.kernels, ...active.kernels } as KernelTable;
  return table;
}
