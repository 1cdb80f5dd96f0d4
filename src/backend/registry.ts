/**
 * The one kernel registry. Backends are registered explicitly (no import side
 * effects); the active backend serves each kernel it implements and the js
 * reference backend serves the rest.
 */
import type { Backend, KernelName, KernelTable } from './kernels.js';
import { FoveaError } from '../tensor/errors.js';
import { createJsBackend } from './js/index.js';

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
 * The active backend. When none was registered, the js reference backend is
 * registered on this first use (lazily: importing fovea has no side effects).
 */
export function getBackend(): Backend {
  if (!active) registerBackend(createJsBackend(), { reference: true });
  return active!;
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
