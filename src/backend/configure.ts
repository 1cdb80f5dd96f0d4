/**
 * Choosing the backend and its thread count explicitly (the CLI's --backend
 * and --threads, the benchmark peer's --threads). Without a call to this,
 * the registry's defaults apply on first use: wasm where SIMD is available.
 */
import { FoveaError } from '../errors.js';
import { createJsBackend } from './js/index.js';
import { listBackends, registerBackend, setBackend, getBackend } from './registry.js';
import { createWasmBackend, wasmSimdSupported, type WasmBackend } from './wasm/wasm-backend.js';

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
