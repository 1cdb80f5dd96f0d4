// Truncated, malformed and hostile TF.js models: a clear TfjsError naming the
// layer or weight, never a crash, a huge allocation or a read outside the
// model's folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ELU, Hardtanh, LeakyReLU } from '../../nn/activation.js';
import { exportedLiteral } from './js-literal.js';
import { loadTfjs } from './load-tfjs.js';
import { loadTfjsFile } from './load-tfjs-node.js';
import { loadNsfwjsModel } from './nsfwjs-node.js';
import { TfjsError } from './tfjs-error.js';

type Json = Record<string, unknown>;

/** A one-layer functional model: a 1x1 Conv2D (2 → 3 channels) on a 4x4 image, then `extra` layers. */
function tiny(extra: Json[] = [], output = 'conv'): { json: Json; bytes: Uint8Array } {
  const layers: Json[] = [
    { name: 'img', class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 4, 2], name: 'img' }, inbound_nodes: [] },
    { name: 'conv', class_name: 'Conv2D', config: { name: 'conv', filters: 3, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', use_bias: true, activation: 'linear' }, inbound_nodes: [[['img', 0, 0, {}]]] },
    ...extra,
  ];
  const json = {
    modelTopology: { class_name: 'Model', config: { name: 'm', layers, input_layers: [['img', 0, 0]], output_layers: [[output, 0, 0]] } },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'conv/kernel', shape: [1, 1, 2, 3], dtype: 'float32' }, { name: 'conv/bias', shape: [3], dtype: 'float32' }] }],
  };
  return { json, bytes: new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6, 0.1, 0.2, 0.3]).buffer) };
}

const layer = (name: string, className: string, config: Json, from = 'conv'): Json => ({ name, class_name: className, config: { name, ...config }, inbound_nodes: [[[from, 0, 0, {}]]] });

function rejects(json: unknown, bytes: Uint8Array, re: RegExp): void {
  assert.throws(() => loadTfjs(json, bytes, { source: 'bad/model.json' }), (e: unknown) => e instanceof TfjsError && e.message.startsWith('bad/model.json: ') && re.test(e.message), `expected ${re}`);
}

/** A deep copy with `edit` applied. */
function edited(edit: (j: any) => void): { json: Json; bytes: Uint8Array } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const t = tiny();
  const json = structuredClone(t.json);
  edit(json);
  return { json, bytes: t.bytes };
}

test('the tiny model loads and computes the 1x1 convolution with the HWIO kernel transposed', () => {
  const { json, bytes } = tiny();
  const { model } = loadTfjs(json, bytes);
  const w = model.stateDict().get('conv.weight')!;
  assert.deepEqual(w.shape, [3, 2, 1, 1]);
  // kernel [1, 1, in 2, out 3] = [[1, 2, 3], [4, 5, 6]]: output 0 takes inputs (1, 4)
  assert.deepEqual(Array.from(w.data), [1, 4, 2, 5, 3, 6]);
});

test('wrong JSON types name the field and the layer', () => {
  const { bytes } = tiny();
  rejects(null, bytes, /expected a model.json object/);
  rejects({}, bytes, /no modelTopology/);
  rejects({ format: 'graph-model', modelTopology: { node: [] } }, new Uint8Array(), /this TF.js graph model has 0 Placeholder \(input\) nodes/);
  rejects(edited((j) => (j.modelTopology.class_name = 'Graph')).json, bytes, /class_name must be one of Sequential, Model, Functional/);
  rejects(edited((j) => (j.modelTopology.config.layers = 'many')).json, bytes, /needs a 'layers' list/);
  rejects(edited((j) => (j.modelTopology.config.layers[1].config.kernel_size = 'three')).json, bytes, /layer 'conv' \(Conv2D\): config.kernel_size must be an integer or two integers/);
  rejects(edited((j) => (j.modelTopology.config.layers[1].config.filters = -3)).json, bytes, /config.filters must be an integer in \[1,/);
  rejects(edited((j) => (j.modelTopology.config.layers[1].class_name = 7)).json, bytes, /class_name must be a string, got 7/);
  rejects(edited((j) => (j.modelTopology.config.layers[1].config.padding = 'causal')).json, bytes, /padding 'causal' is not supported/);
  rejects(edited((j) => (j.modelTopology.config.layers[1].config.data_format = 'channels_first')).json, bytes, /data_format 'channels_first' is not supported/);
  rejects(edited((j) => (j.weightsManifest = { paths: [] })).json, bytes, /weightsManifest must be a list/);
});

test('an unsupported layer or activation names the class, the layer and what is supported', () => {
  const { bytes } = tiny();
  rejects(tiny([layer('rnn', 'LSTM', { units: 4 })], 'rnn').json, bytes, /layer 'rnn' \(LSTM\): unsupported layer class 'LSTM'; supported: Conv2D, DepthwiseConv2D, .*Flatten, Dropout/);
  rejects(tiny([layer('act', 'Activation', { activation: 'selu' })], 'act').json, bytes, /layer 'act' \(Activation\): activation 'selu' is not supported; supported: linear, relu, relu6, elu, sigmoid, tanh, softmax/);
  rejects(tiny([layer('r', 'ReLU', { threshold: 0.5 })], 'r').json, bytes, /threshold 0.5 is not supported/);
  rejects(tiny([layer('d', 'Dense', { units: 2 })], 'd').json, bytes, /Dense on a rank-4 input .* is not supported \(put a Flatten/);
});

test('ReLU options: max_value is a clamp (ReLU6), negative_slope a LeakyReLU', () => {
  const { bytes } = tiny();
  const six = loadTfjs(tiny([layer('r', 'ReLU', { max_value: 6 })], 'r').json, bytes).model.module('r');
  assert.ok(six instanceof Hardtanh && six.minVal === 0 && six.maxVal === 6);
  const leaky = loadTfjs(tiny([layer('r', 'ReLU', { negative_slope: 0.1 })], 'r').json, bytes).model.module('r');
  assert.ok(leaky instanceof LeakyReLU && leaky.negativeSlope === 0.1);
});

test("ELU layers keep their alpha (Keras's, which TF.js itself refuses unless 1); activation 'elu' is alpha 1", () => {
  const { bytes } = tiny();
  const half = loadTfjs(tiny([layer('e', 'ELU', { alpha: 0.5 })], 'e').json, bytes).model.module('e');
  assert.ok(half instanceof ELU && half.alpha === 0.5);
  const plain = loadTfjs(tiny([layer('e', 'ELU', {})], 'e').json, bytes).model.module('e');
  assert.ok(plain instanceof ELU && plain.alpha === 1);
  const act = loadTfjs(tiny([layer('a', 'Activation', { activation: 'elu' })], 'a').json, bytes).model.module('a');
  assert.ok(act instanceof ELU && act.alpha === 1);
});

test('cycles, dangling inputs, shared layers, several inputs or outputs name the layers', () => {
  const { bytes } = tiny();
  const cyc = tiny([layer('a', 'ReLU', {}, 'b'), layer('b', 'ReLU', {}, 'a')], 'b').json;
  rejects(cyc, bytes, /the layer graph has a cycle through 'a', 'b'/);
  rejects(tiny([layer('a', 'ReLU', {}, 'ghost')], 'a').json, bytes, /layer 'a' takes its input from 'ghost', which is not a layer/);
  const shared = tiny([{ ...layer('a', 'ReLU', {}), inbound_nodes: [[['conv', 0, 0, {}]], [['conv', 0, 0, {}]]] }], 'a').json;
  rejects(shared, bytes, /layer 'a' \(ReLU\) is called 2 times; shared layers are not supported/);
  rejects(tiny([{ ...layer('a', 'ReLU', {}), inbound_nodes: [[['conv', 1, 0, {}]]] }], 'a').json, bytes, /uses call 1 of 'conv'/);
  rejects(edited((j) => j.modelTopology.config.output_layers.push(['conv', 0, 0])).json, bytes, /has 2 outputs/);
  rejects(edited((j) => j.modelTopology.config.input_layers.push(['img', 0, 0])).json, bytes, /has 2 inputs/);
  rejects(tiny([], 'nowhere').json, bytes, /output layer 'nowhere' is not computed/);
});

test('weights that do not match their shapes, or sizes that do not add up, are refused before any allocation', () => {
  const { json, bytes } = tiny();
  rejects(json, bytes.subarray(0, 30), /the weight data holds 30 bytes but the manifest's 2 weights take 36 \(a truncated or missing shard\?\)/);
  rejects(json, new Uint8Array(40), /holds 40 bytes but .* take 36/);
  rejects(edited((j) => (j.weightsManifest[0].weights[0].shape = [1, 1, 3, 2])).json, bytes, /layer 'conv': weight 'conv\/kernel' has shape \[1, 1, 3, 2\], the layer expects \[1, 1, 2, 3\]/);
  rejects(edited((j) => (j.weightsManifest[0].weights[0].shape = [1 << 20, 1 << 20])).json, bytes, /weight 'conv\/kernel': shape .* exceeds the limit of 268435456 elements/);
  rejects(edited((j) => (j.weightsManifest[0].weights[0].shape = [2, -1])).json, bytes, /invalid dimension -1/);
  rejects(edited((j) => (j.weightsManifest[0].weights[0].name = 'other/kernel')).json, bytes, /layer 'conv': the weights manifest has no 'conv\/kernel'/);
  // a huge layer config meets the (checked) weight sizes before any layer is allocated
  const huge = edited((j) => Object.assign(j.modelTopology.config.layers[1].config, { filters: 1 << 20, kernel_size: [65536, 65536] })).json;
  rejects(huge, bytes, /weight 'conv\/kernel' has shape \[1, 1, 2, 3\], the layer expects \[65536, 65536, 2, 1048576\]/);
  rejects(edited((j) => (j.weightsManifest[0].weights[1].name = 'conv/kernel')).json, bytes, /weight 'conv\/kernel' appears twice/);
  rejects(edited((j) => (j.weightsManifest[0].weights[0].dtype = 'string')).json, bytes, /dtype "string" is not supported .*string weights have no fixed size/);
  rejects(edited((j) => (j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', min: 0 })).json, bytes, /uint8 quantization needs finite min and scale/);
  rejects(edited((j) => (j.weightsManifest[0].weights[0].quantization = { dtype: 'int4' })).json, bytes, /quantization dtype "int4"/);
  rejects(edited((j) => (j.modelTopology.config.layers[0].config.batch_input_shape = [null, 1e6, 1e6, 3])).json, bytes, /absurd dims/);
  rejects(edited((j) => (j.modelTopology.config.layers[0].config.batch_input_shape = [null, 4, 3])).json, bytes, /fovea models take an image batch/);
});

function folderModel(dir: string, paths: string[], shardBytes = tiny().bytes): string {
  const { json } = tiny();
  (json['weightsManifest'] as Json[])[0]!['paths'] = paths;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'w.bin'), shardBytes);
  return dir;
}

test('files: shards are read from the model folder only; missing or short shards are named', () => {
  const root = mkdtempSync(join(tmpdir(), 'fovea-tfjs-'));
  writeFileSync(join(root, 'secret.bin'), new Uint8Array(36));
  const ok = folderModel(join(root, 'ok'), ['w.bin']);
  writeFileSync(join(ok, 'metadata.json'), JSON.stringify({ labels: ['a', 'b', 'c'], packageName: '@teachablemachine/image' }));
  const loaded = loadTfjsFile(ok);
  assert.deepEqual(loaded.metadata?.labels, ['a', 'b', 'c']);
  assert.equal(loadTfjsFile(join(ok, 'model.json')).model.graph.nodes.length, 1);
  // labels of the wrong type are refused, naming the file, not silently replaced by numbers
  for (const [labels, got] of [[{ 0: 'a', 1: 'b', 2: 'c' }, 'an object'], [[1, 2, 3], 'an array holding number values'], ['abc', 'a string']] as const) {
    const odd = folderModel(join(root, `labels-${got.length}`), ['w.bin']);
    writeFileSync(join(odd, 'metadata.json'), JSON.stringify({ labels }));
    assert.throws(() => loadTfjsFile(odd), (e: unknown) => e instanceof TfjsError && e.message === `${join(odd, 'metadata.json')}: "labels" must be an array of class names (strings), got ${got}`);
  }
  for (const bad of ['../secret.bin', '/etc/passwd', 'sub/../../secret.bin', 'https://example.com/w.bin', 'C:\\w.bin']) {
    const dir = folderModel(join(root, `bad${bad.length}`), [bad]);
    assert.throws(() => loadTfjsFile(dir), /points outside the model's folder/, bad);
  }
  const link = folderModel(join(root, 'link'), ['link.bin']);
  symlinkSync(join(root, 'secret.bin'), join(link, 'link.bin'));
  assert.throws(() => loadTfjsFile(link), /weight shard 'link.bin' points outside the model's folder/);
  assert.throws(() => loadTfjsFile(folderModel(join(root, 'missing'), ['w.bin', 'w2.bin'])), /weight shard 'w2.bin' is missing/);
  assert.throws(() => loadTfjsFile(folderModel(join(root, 'short'), ['w.bin'], new Uint8Array(20))), /weight group 1 \(w.bin\) holds 20 bytes but its weights take 36 \(a truncated shard\?\)/);
  mkdirSync(join(root, 'empty'));
  assert.throws(() => loadTfjsFile(join(root, 'empty')), /the folder holds no model.json/);
  writeFileSync(join(root, 'empty', 'model.json'), '{"modelTopology": ');
  assert.throws(() => loadTfjsFile(join(root, 'empty')), (e: unknown) => e instanceof TfjsError && /model.json is not valid JSON/.test(e.message));
});

test('UMD bundles are read as literals, never run; hostile ones are refused', () => {
  const fail = (p: string): never => {
    throw new TfjsError('bundle.js', p);
  };
  const src = `!function(e){module.exports=e()}(function(){var r={exports:{}};r.exports={a:!0,b:!1,'c':[.5,-.25,1e-3,null],"d\\u0041":"x\\ny",e:void 0};return r.exports});`;
  assert.deepEqual({ ...(exportedLiteral(src, fail) as object) }, { a: true, b: false, c: [0.5, -0.25, 0.001, null], dA: 'x\ny', e: null });
  assert.equal(exportedLiteral('module.exports="QUJD"', fail), 'QUJD');
  assert.throws(() => exportedLiteral('module.exports=require("fs")', fail), /no 'exports = <literal>'/);
  assert.throws(() => exportedLiteral('exports={a:process.exit(1)}', fail), /not a literal at offset/);
  assert.throws(() => exportedLiteral(`exports=${'['.repeat(10000)}`, fail), /nested more than 512 deep/);
  assert.throws(() => exportedLiteral('exports="abc', fail), /unterminated string/);
});

test('nsfwjs: an unknown model name says which exist', () => {
  assert.throws(() => loadNsfwjsModel('resnet'), /nsfwjs:resnet: unknown nsfwjs model 'resnet'; known: mobilenet_v2, mobilenet_v2_mid, inception_v3/);
});

const empty = mkdtempSync(join(tmpdir(), 'fovea-empty-'));
const reachable = ((): boolean => {
  try {
    createRequire(join(empty, 'noop.js')).resolve('nsfwjs');
    return true;
  } catch {
    return false;
  }
})();

test('nsfwjs: a project without the package says how to install it', { skip: reachable ? `nsfwjs resolves even from ${empty} (a node_modules in a parent folder or a global one)` : false }, () => {
  assert.throws(() => loadNsfwjsModel('mobilenet_v2', { from: empty }), /the nsfwjs package is not installed .*install it with npm i nsfwjs/);
});
