/**
 * The wasm backend: AssemblyScript kernels compiled to WebAssembly SIMD-128
 * (and a relaxed-SIMD build with fused multiply-add where the runtime has
 * it), tensors living in one shared WebAssembly.Memory.
 */
import type { Backend } from '../kernels.js';
import { FoveaError } from '../../tensor/errors.js';
import { WASM_RELAXED_SIMD, WASM_SIMD } from './kernels-binary.js';
import { Marshal } from './marshal.js';
import type { WasmExports } from './wasm-exports.js';
import { wasmKernels } from './wasm-kernels.js';
import { WasmHeap } from './wasm-heap.js';

/** Bytes below this hold the module's static data (math tables); the heap starts above. */
const HEAP_BASE = 64 * 1024;
const MAX_PAGES = 65536; // 4 GiB

export interface WasmBackendOptions {
  /** Use the relaxed-SIMD (fused multiply-add) build: 'auto' (default) when the runtime validates it. */
  relaxedSimd?: boolean | 'auto';
}

export interface WasmBackend extends Backend {
  readonly heap: WasmHeap;
  readonly features: { simd: true; relaxedSimd: boolean; threads: number };
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(base64, 'base64'));
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

let simdModule: WebAssembly.Module | null | undefined;
let relaxedModule: WebAssembly.Module | null | undefined;

function compile(base64: string): WebAssembly.Module | null {
  const bytes = decode(base64);
  if (!WebAssembly.validate(bytes)) return null;
  try {
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/** True when this runtime runs WebAssembly SIMD-128 with shared memory (the wasm backend's needs). */
export function wasmSimdSupported(): boolean {
  if (typeof WebAssembly === 'undefined' || typeof SharedArrayBuffer === 'undefined') return false;
  simdModule ??= compile(WASM_SIMD);
  return simdModule !== null;
}

/** True when the relaxed-SIMD build (f32x4.relaxed_madd) validates here. */
export function wasmRelaxedSimdSupported(): boolean {
  if (!wasmSimdSupported()) return false;
  relaxedModule ??= compile(WASM_RELAXED_SIMD);
  return relaxedModule !== null;
}

/**
 * Creates the wasm backend (synchronously: the module is small).
 * @example registerBackend(createWasmBackend()); setBackend('wasm');
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  if (!wasmSimdSupported()) {
    throw new FoveaError('the wasm backend needs WebAssembly SIMD-128 and SharedArrayBuffer, which this runtime lacks; use the js backend');
  }
  const wantRelaxed = options.relaxedSimd ?? 'auto';
  const relaxed = wantRelaxed !== false && wasmRelaxedSimdSupported();
  if (wantRelaxed === true && !relaxed) throw new FoveaError('relaxed SIMD was requested but this runtime does not support it');
  const module = relaxed ? relaxedModule! : simdModule!;
  const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new FoveaError('internal: a wasm kernel aborted');
      },
    },
  });
  const exports = instance.exports as unknown as WasmExports;
  const heap = new WasmHeap(memory, HEAP_BASE);
  const marshal = new Marshal(heap);
  return {
    name: 'wasm',
    kernels: wasmKernels(exports, marshal),
    heap,
    features: { simd: true, relaxedSimd: relaxed, threads: 1 },
    alloc: (size, zero) => heap.alloc(size, zero),
    release: (buf) => heap.release(buf),
  };
}
