/**
 * The wasm backend: AssemblyScript kernels compiled to WebAssembly SIMD-128
 * (and a relaxed-SIMD build with fused multiply-add where the runtime has
 * it), tensors living in one shared WebAssembly.Memory.
 */
import type { Backend } from '../kernels.js';
import { FoveaError } from '../../errors.js';
import { WASM_RELAXED_SIMD, WASM_SIMD } from './kernels-binary.js';
import { Marshal } from './marshal.js';
import type { WasmExports } from './wasm-exports.js';
import { wasmKernels } from './wasm-kernels.js';
import { WasmHeap } from './wasm-heap.js';
import { ThreadPool, defaultSpawner, type SpawnWorker } from './thread-pool.js';
import { MAX_THREADS } from './parallel.js';

/** Bytes below this hold the module's static data (math tables); the heap starts above. */
const HEAP_BASE = 64 * 1024;
const MAX_PAGES = 65536; // 4 GiB

export interface WasmBackendOptions {
  /** Use the relaxed-SIMD (fused multiply-add) build: 'auto' (default) when the runtime validates it. */
  relaxedSimd?: boolean | 'auto';
  /** Threads (the calling one included). Default: FOVEA_THREADS, else every core; 1 = no workers. */
  threads?: number;
  /** How to start a worker (default: Node's worker_threads, or Web Workers in a browser). */
  spawn?: SpawnWorker;
  /** Fail a job that a worker has not finished after this many ms (default 30000). */
  watchdogMs?: number;
}

/** The default thread count: FOVEA_THREADS, else the number of cores (at most 16). */
export function defaultThreads(): number {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (m: string) => unknown } }).process;
  const env = Number(proc?.env?.['FOVEA_THREADS']);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, MAX_THREADS);
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, Math.min(MAX_THREADS, os?.availableParallelism?.() ?? nav?.hardwareConcurrency ?? 1));
}

export interface WasmBackend extends Backend {
  readonly heap: WasmHeap;
  readonly features: { simd: true; relaxedSimd: boolean; threads: number };
  /** Stops the worker threads (the backend keeps working on one thread). */
  shutdown(): void;
  /** True once the thread pool exists and every worker has started (false with one thread). */
  threadsReady(): boolean;
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
  if (relaxedModule === undefined) {
    relaxedModule = compile(WASM_RELAXED_SIMD);
    // Node 20 ships relaxed SIMD behind a flag; V8 accepts it at run time, before the module is compiled.
    if (!relaxedModule && enableNodeRelaxedSimdFlag()) relaxedModule = compile(WASM_RELAXED_SIMD);
  }
  return relaxedModule !== null;
}

function enableNodeRelaxedSimdFlag(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (f: string) => void } | undefined;
  if (!v8?.setFlagsFromString) return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
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
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new FoveaError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
  }
  const spawn = threads > 1 ? (options.spawn ?? defaultSpawner()) : null;
  let pool: ThreadPool | null = null;
  let stopped = false;
  // Started on first use, and started afresh after a failure (a dead worker fails one step, not the run).
  const getPool = (): ThreadPool | null => {
    if (!spawn || stopped) return null;
    if (!pool || pool.isBroken) pool = new ThreadPool(module, heap, exports, threads, spawn, options.watchdogMs);
    return pool;
  };
  return {
    name: 'wasm',
    kernels: wasmKernels(exports, marshal, getPool),
    heap,
    features: { simd: true, relaxedSimd: relaxed, threads: spawn ? threads : 1 },
    alloc: (size, zero) => heap.alloc(size, zero),
    release: (buf) => heap.release(buf),
    // Tensors that outlive every scope live in ordinary (garbage-collected) memory: the heap's
    // FinalizationRegistry alone never runs in a synchronous loop. Kernels copy them in and out.
    allocCollected: (size) => new Float32Array(size),
    owns: (buf) => heap.owns(buf),
    threadsReady: () => pool !== null && !pool.isBroken && pool.ready,
    shutdown: () => {
      stopped = true;
      pool?.terminate();
      pool = null;
    },
  };
}
