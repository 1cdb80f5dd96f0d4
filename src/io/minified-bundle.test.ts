// A minified bundle of the library (class names mangled, no keepNames) saves
// models that the plain library loads, and loads the plain library's models,
// with identical outputs: layer types come from each class's static `type`,
// never from `constructor.name`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as fovea from '../index.js';
import { everyLayerInput, everyLayerModel } from '../testing/every-layer.js';
import { decodeModel, encodeModel, type ModelMeta } from './model-file.js';

const dist = fileURLToPath(new URL('../', import.meta.url));
const opsOnnx = fileURLToPath(new URL('../../test/fixtures/onnx/ops.onnx', import.meta.url));
// One class name per output (model files are checked for it at load); self-contained: it is also sent to the child as source.
const meta = (c: number, hw: number, m: { outputShape(s: number[]): number[] }): ModelMeta => {
  const o = m.outputShape([1, c, hw, hw]);
  return { inputShape: [c, hw, hw], normalize: { mean: Array(c).fill(0), std: Array(c).fill(1) }, classNames: o.length === 2 ? Array.from({ length: o[1]! }, (_, i) => String(i)) : [] };
};
const graphInput = (f: typeof fovea): fovea.Tensor => f.tensor(Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => Math.cos(i * 0.11)), [1, 3, 16, 16]);

/** Runs in a child process on the minified bundle: loads the plain library's files, builds and saves its own. */
const CHILD = `
import { readFileSync, writeFileSync } from 'node:fs';
const [bundle, helpers, dir, opsOnnx] = process.argv.slice(2);
const f = await import(bundle);
const { everyLayerModel, everyLayerInput } = await import(helpers);
const graphInput = ${graphInput.toString()};
const meta = ${meta.toString()};
const run = (m, x) => Array.from(m.eval().forward(x).data);
const out = {};
// the plain library's files, loaded by the bundle
out.plainEvery = run(f.decodeModel(readFileSync(dir + '/plain-every.fovea'), 'plain-every.fovea').model, everyLayerInput(f));
out.plainGraph = run(f.decodeModel(readFileSync(dir + '/plain-graph.fovea'), 'plain-graph.fovea').model, graphInput(f));
// the bundle's own models, saved for the plain library
const every = everyLayerModel(f);
const graph = f.loadOnnx(readFileSync(opsOnnx), 'ops.onnx').model;
writeFileSync(dir + '/min-every.fovea', f.encodeModel(every, meta(3, 16, every)));
writeFileSync(dir + '/min-graph.fovea', f.encodeModel(graph, meta(3, 16, graph)));
out.minEvery = run(every, everyLayerInput(f));
out.minGraph = run(graph, graphInput(f));
out.className = f.Conv2d.name;
writeFileSync(dir + '/outputs.json', JSON.stringify(out));
`;

const run = (m: fovea.Module, x: fovea.Tensor): number[] => Array.from(m.eval().forward(x).data);

test('a minified bundle saves and loads models that the plain library loads and saves, with identical outputs', async () => {
  const { rolldown } = await import('rolldown');
  const dir = mkdtempSync(join(tmpdir(), 'fovea-minified-'));
  try {
    const bundle = await rolldown({ input: join(dist, 'index.js'), platform: 'neutral', logLevel: 'silent' });
    await bundle.write({ file: join(dir, 'fovea.min.js'), format: 'es', minify: true, keepNames: false });
    await bundle.close();

    const every = everyLayerModel(fovea);
    const graph = fovea.loadOnnx(new Uint8Array(readFileSync(opsOnnx)), 'ops.onnx').model;
    writeFileSync(join(dir, 'plain-every.fovea'), encodeModel(every, meta(3, 16, every)));
    writeFileSync(join(dir, 'plain-graph.fovea'), encodeModel(graph, meta(3, 16, graph)));
    writeFileSync(join(dir, 'child.mjs'), CHILD);
    const url = (p: string): string => pathToFileURL(p).href;
    const child = spawnSync(process.execPath, [join(dir, 'child.mjs'), url(join(dir, 'fovea.min.js')), url(join(dist, 'testing/every-layer.js')), dir, opsOnnx], { encoding: 'utf8' });
    assert.equal(child.status, 0, `the bundle failed:\n${child.stderr}`);
    const out = JSON.parse(readFileSync(join(dir, 'outputs.json'), 'utf8')) as Record<string, number[]> & { className: string };

    assert.notEqual(out.className, 'Conv2d', 'the bundle really renamed the classes');
    // the plain library's models, run by the bundle
    assert.deepEqual(out.plainEvery, run(every, everyLayerInput(fovea)));
    assert.deepEqual(out.plainGraph, run(graph, graphInput(fovea)));
    // the bundle's models, loaded by the plain library: the same spec and outputs
    const minEvery = decodeModel(new Uint8Array(readFileSync(join(dir, 'min-every.fovea'))), 'min-every.fovea').model;
    const minGraph = decodeModel(new Uint8Array(readFileSync(join(dir, 'min-graph.fovea'))), 'min-graph.fovea').model;
    assert.equal(JSON.stringify(minEvery.spec()), JSON.stringify(every.spec()));
    assert.equal(JSON.stringify(minGraph.spec()), JSON.stringify(graph.spec()));
    assert.deepEqual(run(minEvery, everyLayerInput(fovea)), out.minEvery);
    assert.deepEqual(run(minGraph, graphInput(fovea)), out.minGraph);
  } finally {
    if (!process.env['FOVEA_KEEP_TMP']) rmSync(dir, { recursive: true, force: true });
  }
});
