#!/usr/bin/env node
/**
 * Backbone feature extraction, fovea beside ONNX Runtime's WebAssembly build
 * (onnxruntime-web, in Node) on the same network: each nsfwjs backbone is
 * loaded by fovea, exported to ONNX by fovea, and both run the same batches.
 * Rounds alternate between the two so that a busy machine slows both alike.
 * Prints one JSON line per (model, runtime) with images/s (median of rounds)
 * and the ratio fovea / ort-web.
 *
 *   npm run build && node scripts/bench-backbone.mjs [--models mobilenet_v2,inception_v3] [--threads 1] [--batch 8] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { configureBackend, exportOnnx, noGrad, tensor } from '../dist/index.js';
import { loadAnyModel } from '../dist/node.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'mobilenet_v2,mobilenet_v2_mid,inception_v3' },
    threads: { type: 'string', default: '1' }, batch: { type: 'string', default: '8' }, rounds: { type: 'string', default: '5' },
  },
});
const threads = Number(values.threads);
const batch = Number(values.batch);
const rounds = Number(values.rounds);
configureBackend({ backend: 'wasm', threads });
ort.env.wasm.numThreads = threads;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const name of values.models.split(',')) {
  const { model, meta } = loadAnyModel(`nsfwjs:${name}`);
  const shape = [batch, ...meta.inputShape];
  const x = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i * 0.37));
  const session = await ort.InferenceSession.create(exportOnnx(model, { inputShape: meta.inputShape }));
  const input = new ort.Tensor('float32', x, shape);
  const runFovea = () => noGrad(() => model.forward(tensor(x, shape)).data);
  const runOrt = async () => (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]].data;
  // Warm-up, and the outputs must agree before anything is timed.
  const a = runFovea();
  const b = await runOrt();
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  const times = { fovea: [], 'ort-web': [] };
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    runFovea();
    times.fovea.push(performance.now() - t);
    t = performance.now();
    await runOrt();
    times['ort-web'].push(performance.now() - t);
  }
  const ips = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, (batch * 1000) / median(v)]));
  for (const [peer, v] of Object.entries(ips)) {
    console.log(JSON.stringify({ workload: `backbone:${name}`, peer, threads, batch, input: meta.inputShape, imagesPerSecond: Number(v.toFixed(2)), rounds }));
  }
  console.log(JSON.stringify({ workload: `backbone:${name}`, ratio: 'fovea/ort-web', value: Number((ips.fovea / ips['ort-web']).toFixed(3)), maxAbsDiff: maxDiff }));
  await session.release();
}
