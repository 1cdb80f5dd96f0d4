import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { ReLU } from '../nn/activation.js';
import { Sequential } from '../nn/sequential.js';
import { conv2d } from '../tensor/ops/conv.js';
import { tensor } from '../tensor/ops/creation.js';
import { noGrad } from '../tensor/grad-mode.js';
import { ValueError } from '../errors.js';
import { manualSeed } from '../util/random.js';
import { timeMachineView } from './time-machine-view.js';
import { parseSnapshots, snapshotMaps, TrainingSnapshots } from './training-snapshots.js';

function setup() {
  manualSeed(2);
  const model = new Sequential(new Flatten(), new Linear(1, 1));
  const conv = new Conv2d(1, 2, 3, { padding: 1 });
  const net = new Sequential({ features: new Sequential(conv, new ReLU()), head: new Sequential(new Flatten(), new Linear(2 * 4 * 4, 3)) });
  const image = { width: 4, height: 4, channels: 1 as const, data: Uint8Array.from({ length: 16 }, (_, i) => i * 16) };
  const x = tensor(Float32Array.from(image.data, (v) => v / 255), [1, 1, 4, 4]);
  return { model, net, conv, input: { x, image, label: 2 } };
}

test('snapshots: the first conv\'s weights, its maps for the fixed input and the prediction, every N steps, thinned past the maximum', () => {
  const { model, net, conv, input } = setup();
  assert.throws(() => new TrainingSnapshots(model, input, { every: 2, classNames: ['a'] }), (e: unknown) => e instanceof ValueError && /no Conv2d layer/.test(e.message));
  assert.throws(() => new TrainingSnapshots(net, input, { every: 0, classNames: ['a', 'b', 'c'] }), /every must be a positive integer/);
  const tm = new TrainingSnapshots(net, input, { every: 2, classNames: ['a', 'b', 'c'], maxSnapshots: 4 });
  assert.equal(tm.layer, 'features.0');
  assert.deepEqual(tm.mapShape, [2, 4, 4]);
  for (let step = 1; step <= 5; step++) {
    conv.weight.data[0]! += 1;   // "training"
    tm.onStep(step, { epoch: 1, loss: 1 / step, accuracy: step / 10 });
  }
  tm.finish();
  // steps 0, 2, 4, 5 (finish); a fifth would exceed 4
  assert.deepEqual(tm.snapshots.map((s) => s.step), [0, 2, 4, 5]);
  const s = tm.snapshots[2]!;
  assert.equal(s.weight[0], Math.fround(tm.snapshots[0]!.weight[0]! + 4), "four steps of +1 on weight 0");
  const want = noGrad(() => conv2d(input.x, tensor(s.weight, [2, 1, 3, 3]), tensor(s.bias!, [2]), { padding: 1 })).data;
  assert.deepEqual(Array.from(s.maps), Array.from(want), 'the maps are the filters of that step applied to the input');
  assert.ok(Math.abs(s.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  conv.weight.data[0]! += 1;
  tm.onStep(6, { epoch: 1, loss: 0.1, accuracy: 0.6 });
  assert.deepEqual(tm.snapshots.map((s) => s.step), [0, 4, 6], 'past 4: every other dropped');
  assert.equal(tm.every, 4);
  const json = tm.toJSON();
  assert.equal(json.snapshots.length, 3);
  assert.deepEqual(json.weightShape, [2, 1, 3, 3]);
  assert.equal(json.steps.length, 6);
  // the file reads back, and its maps (recomputed from the stored input and weights) are the recorded ones
  const file = parseSnapshots(JSON.parse(JSON.stringify(json)), 'snapshots.json');
  file.snapshots.forEach((_, k) => {
    const got = snapshotMaps(file, k), want = tm.snapshots[k]!.maps;
    assert.ok(got.every((v, i) => Math.abs(v - want[i]!) <= 1e-3 * Math.max(1, Math.abs(want[i]!))), `snapshot ${k}`);
  });
  assert.throws(() => parseSnapshots({ format: 'x' }, 'a.json'), /^FoveaError: a\.json: is not a fovea snapshots file/);
  const broken = JSON.parse(JSON.stringify(json));
  broken.snapshots[1].weight.pop();
  assert.throws(() => parseSnapshots(broken, 'r/snapshots.json'), /r\/snapshots\.json: snapshots\[1\]\.weight must be 18 finite numbers/);
  const view = timeMachineView(tm);
  const data = view.data as { snapshots: { step: number; lossX: number }[] };
  assert.deepEqual(data.snapshots.map((s) => s.step), [0, 4, 6]);
  assert.ok(data.snapshots[0]!.lossX < data.snapshots[1]!.lossX && data.snapshots[1]!.lossX < data.snapshots[2]!.lossX, 'markers from left to right');
  assert.equal(view.images['filters']!.height, 3 * (view.data as { filterTile: number[] }).filterTile[0]!, 'one sheet row per snapshot');
});
