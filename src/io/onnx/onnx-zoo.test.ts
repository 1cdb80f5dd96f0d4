// torchvision's classification zoo through ONNX import: every family exported by PyTorch
// (scripts/gen-onnx-zoo.py, random weights) must give PyTorch's logits within 1e-4 relative.
// test/fixtures/onnx-zoo/ holds each family at shrunk widths (torchvision's own classes, so the same
// operators), committed and always run; FOVEA_ONNX_ZOO=DIR also runs the full-size models that
// `gen-onnx-zoo.py --out DIR` writes (hundreds of MB, not committed; the README lists their results).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { decodeModel, encodeModel } from '../model-file.js';
import { loadModelBytes } from '../load-any-model.js';
import { exportOnnx } from './export-onnx.js';
import { loadOnnx } from './load-onnx.js';

const tiny = fileURLToPath(new URL('../../../test/fixtures/onnx-zoo/', import.meta.url));

interface ZooFixture { model: string; opset: number; inputShape: number[]; outputShape: number[]; output: number[] }

/** The generator's input, rebuilt from its shape: x[i] = ((i * 7919 + 13) mod 2003) / 1001.5 - 1. */
function zooInput(shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919 + 13) % 2003) / 1001.5 - 1);
}

/** Largest |fovea - PyTorch| over the largest |PyTorch| logit. */
function relativeError(dir: string, name: string): { rel: number; fx: ZooFixture; nodeOps: Set<string> } {
  const fx = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as ZooFixture;
  const { model } = loadOnnx(readFileSync(join(dir, `${name}.onnx`)), `${name}.onnx`);
  const y = noGrad(() => model.forward(tensor(zooInput(fx.inputShape), fx.inputShape)));
  assert.deepEqual(y.shape, fx.outputShape);
  const scale = fx.output.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const err = y.toArray().reduce((m, v, i) => Math.max(m, Math.abs(v - fx.output[i]!)), 0);
  assert.ok(scale > 0, 'PyTorch logits are all zero');
  const nodeOps = new Set(model.graph.nodes.map((n) => (n.op === 'module' ? model.module(n.name).constructor.name : n.op)));
  return { rel: err / scale, fx, nodeOps };
}

const names = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();

// what each tiny model must exercise: the operators the family brought to the importer
const USES: Record<string, string[]> = {
  'mobilenet_v3-tiny': ['Hardtanh', 'mul'],                // HardSigmoid (opset 13), squeeze-excitation
  'mobilenet_v3-tiny-opset17': ['Hardtanh', 'mul'],        // HardSwish as one operator
  'shufflenet_v2-tiny': ['narrow', 'permute', 'concat'],   // chunk() on the channels, channel shuffle
  'mnasnet-tiny': ['mean'],                                // x.mean([2, 3])
  'convnext-tiny': ['mean', 'sqrt', 'pow', 'erf', 'Linear'], // LayerNorm and GELU decomposed (opset 13), channels-last Linear
  'convnext-tiny-opset17': ['mean', 'sqrt', 'erf'],        // LayerNormalization
  'googlenet-tiny': ['MaxPool2d', 'concat'],               // ceil-mode pools
  'squeezenet-tiny': ['MaxPool2d', 'AdaptiveAvgPool2d'],
};

for (const name of names(tiny)) {
  test(`torchvision zoo (shrunk): ${name} imports and gives PyTorch's logits within 1e-4 relative`, (t) => {
    const { rel, fx, nodeOps } = relativeError(tiny, name);
    t.diagnostic(`${name} (opset ${fx.opset}, input [${fx.inputShape.join(', ')}]): max relative error ${rel.toExponential(2)}`);
    assert.ok(rel < 1e-4, `${name}: relative error ${rel}`);
    for (const op of USES[name] ?? []) assert.ok(nodeOps.has(op), `${name} uses ${op}: ${[...nodeOps].join(', ')}`);
  });
}

test('imported zoo models export back to ONNX (Reduce*, Slice, Pow, Sqrt, Erf) and ONNX Runtime gives PyTorch\'s logits', async () => {
  for (const name of ['shufflenet_v2-tiny', 'convnext-tiny', 'mnasnet-tiny', 'mobilenet_v3-tiny-opset17']) {
    const fx = JSON.parse(readFileSync(join(tiny, `${name}.json`), 'utf8')) as ZooFixture;
    const { model, inputShape } = loadOnnx(readFileSync(join(tiny, `${name}.onnx`)), `${name}.onnx`);
    const session = await ort.InferenceSession.create(exportOnnx(model, { inputShape }));
    const got = (await session.run({ input: new ort.Tensor('float32', zooInput(fx.inputShape), fx.inputShape) }))['logits']!.data as Float32Array;
    const scale = fx.output.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const err = fx.output.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
    assert.ok(err / scale < 1e-4, `${name}: ONNX Runtime on the re-exported model differs from PyTorch by ${err / scale} relative`);
  }
});

test('imported zoo models with the new graph ops save as .fovea and load back with the same logits', () => {
  for (const name of ['shufflenet_v2-tiny', 'convnext-tiny-opset17']) {
    const fx = JSON.parse(readFileSync(join(tiny, `${name}.json`), 'utf8')) as ZooFixture;
    const { model, meta } = loadModelBytes(readFileSync(join(tiny, `${name}.onnx`)), `${name}.onnx`);
    const back = decodeModel(encodeModel(model, meta), `${name}.fovea`).model;
    back.eval();
    const x = tensor(zooInput(fx.inputShape), fx.inputShape);
    assert.deepEqual(noGrad(() => back.forward(x)).toArray(), noGrad(() => model.forward(x)).toArray());
  }
});

test('the shrunk zoo covers every torchvision classification family', () => {
  const families = ['resnet', 'resnext', 'mobilenet_v3', 'shufflenet_v2', 'mnasnet', 'efficientnet', 'efficientnet_v2', 'convnext',
    'regnet_x', 'regnet_y', 'densenet', 'squeezenet', 'googlenet', 'vgg_bn', 'alexnet'];
  const have = names(tiny);
  for (const f of families) assert.ok(have.includes(`${f}-tiny`), `${f}-tiny.onnx in ${tiny} (scripts/gen-onnx-zoo.py --small)`);
});

/** torchvision's classifiers that are not CNNs: refused, naming the first operator fovea does not convert. */
const NOT_CNNS: Record<string, RegExp> = {
  vit_b_16: /unsupported operator 'Equal'/, vit_b_32: /unsupported operator 'Equal'/,
  vit_l_16: /unsupported operator 'Equal'/, vit_l_32: /unsupported operator 'Equal'/, vit_h_14: /unsupported operator 'Equal'/,
  maxvit_t: /unsupported operator 'Einsum'/,
  swin_t: /unsupported operator 'Mod'/, swin_s: /unsupported operator 'Mod'/, swin_b: /unsupported operator 'Mod'/,
  swin_v2_t: /unsupported operator/, swin_v2_s: /unsupported operator/, swin_v2_b: /unsupported operator/,
};

const full = process.env['FOVEA_ONNX_ZOO'];
test('torchvision zoo (full size, FOVEA_ONNX_ZOO=DIR from gen-onnx-zoo.py --out DIR)', { skip: !full || !existsSync(full) ? 'set FOVEA_ONNX_ZOO to a folder written by scripts/gen-onnx-zoo.py --out DIR' : false }, (t) => {
  const bad: string[] = [];
  for (const name of names(full!)) {
    const refusal = NOT_CNNS[name];
    try {
      const { rel } = relativeError(full!, name);
      t.diagnostic(`${name}: max relative error ${rel.toExponential(2)}`);
      if (!(rel < 1e-4)) bad.push(`${name}: relative error ${rel}`);
      if (refusal) bad.push(`${name}: now imports; take it off NOT_CNNS`);
    } catch (e) {
      const message = (e as Error).message;
      t.diagnostic(`${name}: ${refusal ? 'refused as expected' : 'FAILED'}: ${message.slice(0, 200)}`);
      if (!refusal?.test(message)) bad.push(`${name}: ${message}`);
    }
  }
  assert.deepEqual(bad, []);
});
