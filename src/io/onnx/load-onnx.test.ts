// ONNX import checked against PyTorch: models exported by scripts/gen-onnx-fixtures.py
// (torch.onnx.export, opset 13) must give PyTorch's outputs within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { loadOnnx } from './load-onnx.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/onnx/', import.meta.url));

interface Fixture { inputShape: number[]; input: number[]; outputShape: number[]; output: number[] }

function check(name: string, ops: string[]): void {
  test(`${name}.onnx from PyTorch imports and matches PyTorch's output within 1e-4`, () => {
    const fx = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as Fixture;
    const { model, inputShape } = loadOnnx(readFileSync(`${dir}${name}.onnx`), `${name}.onnx`);
    assert.deepEqual(inputShape, fx.inputShape.slice(1));
    const y = noGrad(() => model.forward(tensor(fx.input, fx.inputShape)));
    assert.deepEqual(y.shape, fx.outputShape);
    assert.deepEqual(model.outputShape(fx.inputShape), fx.outputShape);
    const err = y.toArray().reduce((m, v, i) => Math.max(m, Math.abs(v - fx.output[i]!)), 0);
    assert.ok(err < 1e-4, `max abs error ${err}`);
    const types = new Set([...model.modulesIter()].map((m) => m.constructor.name));
    for (const t of ops) assert.ok(types.has(t), `${t} in ${[...types].join(', ')}`);
  });
}

check('lenet', ['Conv2d', 'MaxPool2d', 'Flatten', 'Linear']);
check('convnet', ['Conv2d', 'Linear']);
check('cifar-small', ['Conv2d', 'Linear']);
check('resnet-small', ['BatchNorm2d', 'AdaptiveAvgPool2d']);
check('mobilenetv2-small', ['Hardtanh', 'BatchNorm2d']);
check('ops', ['LeakyReLU', 'Sigmoid', 'Tanh', 'ConstantPad2d', 'AvgPool2d', 'LogSoftmax']);
check('ops-static', ['LeakyReLU']);
check('decoder', ['ConvTranspose2d', 'ReLU', 'LeakyReLU', 'Tanh', 'Sigmoid']);
