/**
 * Which backends fovea runs on: the defaults registered on first use (wasm
 * where SIMD is available, js otherwise and always as the reference), and
 * choosing the backend and its thread count explicitly (the CLI's --backend
 * and --threads, the benchmark peer's --threads).
 *
 * This is the one module that knows the concrete backends; ./registry.ts
 * stays abstract. Tensors reach kernels through `kernels()` here, so the
 * defaults are registered lazily, on the first op, never on import.
 */
import { FoveaError } from '../errors.js';
import { createJsBackend } from './js/index.js';
import type { Backend, KernelName, KernelTable } from './kernels.js';
import { activeBackend, activeKernels, activeProvider, listBackends, registerBackend, setBackend } from './registry.js';
import { createWasmBackend, wasmSimdSupported, type WasmBackend } from './wasm/wasm-backend.js';

/**
 * The active backend. When none was registered, the defaults are registered
 * on this first use (lazily: importing fovea has no side effects): the js
 * reference backend, and the wasm backend where WebAssembly SIMD is
 * available, which then is the active one. `FOVEA_BACKEND=js` (environment)
 * keeps js active.
 */
export function getBackend(): Backend {
  return activeBackend() ?? registerDefaultBackends();
}

/** The resolved kernel table (active backend over the reference), registering the defaults on first use. */
export function kernels(): KernelTable {
  return activeKernels() ?? (registerDefaultBackends(), activeKernels()!);
}

/** Which backend serves `kernel` now: the active one, or the reference as fallback. */
export function kernelProvider(kernel: KernelName): string {
  getBackend();
  return activeProvider(kernel)!;
}

/** Registers js (the reference) and, where supported, wasm; activates wasm unless FOVEA_BACKEND says otherwise. */
export function registerDefaultBackends(): Backend {
  if (!listBackends().includes('js')) registerBackend(createJsBackend(), { reference: true });
  if (!listBackends().includes('wasm') && wasmSimdSupported()) registerBackend(createWasmBackend());
  const wanted = typeof process !== 'undefined' ? process.env?.['FOVEA_BACKEND'] : undefined;
  if (wanted) setBackend(wanted);
  else if (listBackends().includes('wasm')) setBackend('wasm');
  return activeBackend()!;
}

export interface BackendChoice {
  /** 'wasm' (default where supported) or 'js'. */
  backend?: string;
  /** Threads for the wasm backend (default: every core). */
  threads?: number;
}

/**
 * Registers js and wasm as asked and activates one. Call it before creating
 * tensors: tensors made on one backend are copied when used by another.
 * @example configureBackend({ backend: 'wasm', threads: 2 });
 */
export function configureBackend(choice: BackendChoice = {}): { backend: string; threads: number } {
  const name = choice.backend ?? (wasmSimdSupported() ? 'wasm' : 'js');
  if (name !== 'js' && name !== 'wasm') throw new FoveaError(`unknown backend '${name}'; available: js, wasm`);
  if (!listBackends().includes('js')) registerBackend(createJsBackend(), { reference: true });
  if (name === 'wasm') {
    if (!wasmSimdSupported()) throw new FoveaError('the wasm backend needs WebAssembly SIMD, which this runtime lacks; use --backend js');
    const existing = listBackends().includes('wasm') ? (setBackend('wasm'), getBackend() as WasmBackend) : null;
    if (!existing || (choice.threads !== undefined && existing.features.threads !== choice.threads)) {
      existing?.shutdown();
      registerBackend(createWasmBackend(choice.threads !== undefined ? { threads: choice.threads } : {}));
    }
  }
  setBackend(name);
  const b = getBackend() as Partial<WasmBackend>;
  return { backend: name, threads: b.features?.threads ?? 1 };
}
