// Grad-CAM and saliency against PyTorch (test/fixtures/golden/explain.json,
// made by scripts/gen-golden.py with forward/backward hooks on the same
// weights), on every backend; and on an imported ONNX graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getBackend } from '../backend/configure.js';
import { listBackends, setBackend } from '../backend/registry.js';
import { loadOnnx } from '../io/onnx/load-onnx.js';
import { MaxPool2d } from '../nn/pooling.js';
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import { Flatten } from '../nn/flatten.js';
import { ReLU } from '../nn/activation.js';
import { Sequential } from '../nn/sequential.js';
import { manualSeed } from '../util/random.js';
import { randn } from '../tensor/ops/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { gradCam, upsampleBilinear } from './grad-cam.js';
import { saliency } from './saliency.js';

interface TensorJson { shape: number[]; data: number[] }
interface CamJson { layer: string; class_index: number; logits: TensorJson; weights: TensorJson; coarse: TensorJson; map: TensorJson }
interface ExplainCase {
  state_dict: Record<string, TensorJson>;
  inputs: { x: TensorJson };
  grad_cam: CamJson[];
  saliency: { class_index: number; std: number[]; map: TensorJson };
}

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/golden/explain.json', import.meta.url), 'utf8')) as { cases: ExplainCase[] };
const c = fixture.cases[0]!;

function close(got: ArrayLike<number>, want: TensorJson, what: string): void {
  assert.equal(got.length, want.data.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - want.data[i]!);
    assert.ok(d <= 1e-5 + 1e-4 * Math.abs(want.data[i]!), `${what}[${i}]: fovea ${got[i]}, PyTorch ${want.data[i]}`);
  }
}

function model(): Sequential {
  const m = new Sequential(
    new Conv2d(3, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(4, 6, 3, { padding: 1 }), new ReLU(),
    new Flatten(), new Linear(6 * 5 * 5, 3),
  );
  m.loadStateDict(new Map(Object.entries(c.state_dict).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }])));
  m.eval();
  return m;
}

getBackend();
for (const backend of listBackends()) {
  test(`Grad-CAM and saliency match PyTorch's hooks on the same weights [${backend}]`, () => {
    const prev = getBackend().name;
    setBackend(backend);
    try {
      const m = model();
      const x = new Tensor(Float32Array.from(c.inputs.x.data), c.inputs.x.shape);
      for (const want of c.grad_cam) {
        // the first case is the default: the last layer giving maps (the ReLU after the second conv)
        const cam = want === c.grad_cam[0] ? gradCam(m, x) : gradCam(m, x, { layer: want.layer, classIndex: want.class_index });
        assert.equal(cam.layer, want.layer);
        assert.equal(cam.classIndex, want.class_index);
        close(cam.logits, want.logits, `layer ${want.layer} logits`);
        close(cam.weights, want.weights, `layer ${want.layer} weights`);
        close(cam.coarse, want.coarse, `layer ${want.layer} coarse map`);
        close(cam.map, want.map, `layer ${want.layer} map`);
        assert.deepEqual([cam.height, cam.width], [10, 10]);
      }
      const s = saliency(m, x, { std: c.saliency.std });
      assert.equal(s.classIndex, c.saliency.class_index);
      close(s.map, c.saliency.map, 'saliency');
      // parameters got no gradient from either
      for (const p of m.parameters()) assert.equal(p.grad, null);
    } finally {
      setBackend(prev);
    }
  });
}

test('bilinear upsampling is torch\'s align_corners=False: corners clamp, centres interpolate', () => {
  const up = upsampleBilinear(Float32Array.of(0, 1, 2, 3), 2, 2, 4, 4);
  // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=4, mode='bilinear')
  assert.deepEqual(Array.from(up), [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
});

test('Grad-CAM on an imported ONNX graph finds its last map layer by node name; bad layers are named', () => {
  const bytes = readFileSync(new URL('../../test/fixtures/onnx/resnet-small.onnx', import.meta.url));
  const { model: g, inputShape } = loadOnnx(bytes, 'resnet-small.onnx');
  manualSeed(5);
  const x = randn([1, ...inputShape]);
  const cam = gradCam(g, x);
  assert.ok([...g.namedModules()].some(([p]) => p === cam.layer), cam.layer);
  assert.equal(cam.map.length, inputShape[1] * inputShape[2]);
  assert.ok(cam.map.every((v) => v >= 0 && Number.isFinite(v)));
  assert.throws(() => gradCam(g, x, { layer: 'no_such_layer' }), /gradCam: no layer 'no_such_layer' in the model; its (last 12 of \d+ )?layers/);
  assert.throws(() => gradCam(g, randn([2, ...inputShape])), /gradCam: expected one image \[1, C, H, W\], got \[2, /);
  assert.throws(() => gradCam(g, x, { classIndex: 99 }), /classIndex 99 is out of range/);
});
