/**
 * TF.js with its wasm backend, timed beside fovea in the workloads benchmark
 * page (bench-workloads.html) on the same workloads, input shapes and input
 * numbers, with the same timing rules (fovea's `measureCalls`). The model is
 * built as the peer harness builds it (../shared/bench/peers/tfjs.mjs):
 * tf.sequential of tf.layers in NHWC, each ReLU folded into the conv or dense
 * layer before it; training is tf.train.momentum + minimize on
 * softmaxCrossEntropy with the loss read back, inference is predict with the
 * output read back.
 *
 * The .wasm binaries are files of this build (Vite's `?url`), fetched from
 * the page's own origin: nothing comes from the network.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { benchBatch, benchLine, forwardFlops, measureCalls, type Budgets, type Workload, type WorkloadFile } from 'fovea';

type Emit = (line: Record<string, unknown>) => void;

/** The kernels a conv net's training needs that the harness checks for. */
const TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Step', 'Softmax'];

const errText = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 400);

/**
 * Starts TF.js's wasm backend: its SIMD build on one thread, as the peer
 * harness runs tfjs-wasm in Node. Its threaded build is left out: it starts
 * its threads from blob: scripts, which `fovea serve`'s Content-Security-Policy
 * (script-src 'self') refuses, and where no policy stopped it (Vite's preview
 * server), its XNNPACK pool reported 1 thread for 2 asked and ran at the
 * 1-thread speed. Returns the 'info' line; throws where the backend cannot start.
 */
export async function startTfjsWasm(peer: string): Promise<Record<string, unknown>> {
  // setWasmPaths wants all three binaries named; with multithreading off only the SIMD one is fetched.
  setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd });
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // tfjs logs a backend that fails to start instead of throwing: keep what it logged for the error.
  const logged: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]): void => { logged.push(a.map(String).join(' ')); warn(...a); };
  let ok: boolean;
  try { ok = await tf.setBackend('wasm'); await tf.ready(); } finally { console.warn = warn; }
  if (!ok || tf.getBackend() !== 'wasm') throw new Error(`TF.js's wasm backend did not start${logged.length ? `: ${logged.join('; ').slice(0, 300)}` : ''}`);
  const names = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  return {
    peer, mode: 'info', backend: tf.getBackend(), version: tf.version.tfjs,
    wasm_simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: getThreadsCount(),
    missing_training_kernels: TRAINING_KERNELS.filter((k) => !names.has(k)),
  };
}

/** The workload as tf.layers (the harness's buildModel). */
function buildModel(w: Workload): tf.Sequential {
  const [c, h, wd] = w.input;
  const m = tf.sequential();
  const L = w.layers;
  for (let i = 0; i < L.length; i++) {
    const l = L[i]!;
    const shape = i === 0 ? { inputShape: [h, wd, c] } : {};
    const relu = L[i + 1]?.type === 'relu';
    const activation = relu ? 'relu' : 'linear';
    if (l.type === 'conv2d') {
      const pad = l.pad ?? 0;
      if (pad !== 0 && 2 * pad !== l.kernel! - 1) throw new Error(`tf.layers cannot express pad=${pad} for kernel ${l.kernel}`);
      m.add(tf.layers.conv2d({ ...shape, filters: l.out!, kernelSize: l.kernel!, strides: 1, padding: pad === 0 ? 'valid' : 'same', activation }));
      if (relu) i++;
    } else if (l.type === 'linear') {
      m.add(tf.layers.dense({ ...shape, units: l.out!, activation }));
      if (relu) i++;
    } else if (l.type === 'relu') m.add(tf.layers.reLU(shape));
    else if (l.type === 'maxpool') m.add(tf.layers.maxPooling2d({ ...shape, poolSize: l.size ?? 2, strides: l.size ?? 2 }));
    else m.add(tf.layers.flatten(shape));
  }
  return m;
}

/** fovea's batch for the workload (the same numbers), NCHW turned NHWC, and one-hot labels. */
function makeBatch(w: Workload, n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const [c, h, wd] = w.input;
  const { x: chw, labels } = benchBatch(w, n);
  const hwc = new Float32Array(chw.length);
  const per = c * h * wd;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      for (let i = 0; i < h * wd; i++) hwc[b * per + i * c + ci] = chw[b * per + ci * h * wd + i]!;
    }
  }
  return { x: tf.tensor4d(hwc, [n, h, wd, c]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), w.classes).toFloat() as tf.Tensor2D };
}

/**
 * Times train, infer and latency of each workload on TF.js's wasm backend
 * (started by startTfjsWasm) and emits the harness's lines; a mode TF.js
 * cannot run (training a conv net: Conv2DBackpropFilter is missing) is
 * emitted with its error, as the harness does.
 */
export function runTfjsBench(o: { spec: WorkloadFile; workloads: string[]; budgets: Budgets; peer: string; threads: number; emit: Emit }): void {
  const S = o.spec.settings;
  for (const name of o.workloads) {
    const w = o.spec.workloads[name]!;
    const flops = forwardFlops(w);
    const base = { peer: o.peer, threads: o.threads, workload: name };
    tf.engine().startScope();
    try {
      const model = buildModel(w);
      const opt = tf.train.momentum(S.lr, S.momentum);
      const { x, y } = makeBatch(w, S.train_batch);
      const step = (): void => {
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
        loss.dataSync();
        loss.dispose();
      };
      try {
        o.emit(benchLine({ ...base, mode: 'train' }, S.train_batch, measureCalls(step, o.budgets.trainS, o.budgets), flops, 3));
      } catch (e) {
        o.emit({ ...base, mode: 'train', batch: S.train_batch, error: errText(e) });
      }
      for (const [mode, batch, minTime] of [['infer', S.infer_batch, o.budgets.inferS], ['latency', S.latency_batch, o.budgets.latencyS]] as const) {
        try {
          const { x: xb } = makeBatch(w, batch);
          const fwd = (): void => {
            const out = tf.tidy(() => model.predict(xb) as tf.Tensor);
            out.dataSync();
            out.dispose();
          };
          o.emit(benchLine({ ...base, mode }, batch, measureCalls(fwd, minTime, o.budgets), flops, 1));
        } catch (e) {
          o.emit({ ...base, mode, batch, error: errText(e) });
        }
      }
    } finally {
      tf.engine().endScope();
    }
  }
}
