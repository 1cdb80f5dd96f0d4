// nn.ELU: forward, repr, spec round trip (the .fovea round trip is in src/io/model-file.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../tensor/ops/creation.js';
import { ELU } from './activation.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { elu } from './functional.js';
import { Linear } from './linear.js';
import { Sequential } from './sequential.js';
import { moduleFromSpec } from './spec.js';

test('ELU is F.elu, shows a non-default alpha, and keeps the shape', () => {
  const x = tensor([-2, 0, 1.5]);
  assert.deepEqual(new ELU().forward(x).toArray(), elu(x).toArray());
  assert.deepEqual(new ELU(0.5).forward(x).toArray(), [Math.fround(0.5 * Math.expm1(-2)), 0, 1.5]);
  assert.equal(new ELU().toString(), 'ELU()');
  assert.equal(new ELU(0.5).toString(), 'ELU(alpha=0.5)');
  assert.deepEqual(new ELU().outputShape([2, 3, 4, 5]), [2, 3, 4, 5]);
});

test('a model with ELU layers survives a spec round trip', () => {
  const model = new Sequential(new Conv2d(1, 2, 3), new ELU(0.7), new Flatten(), new Linear(2 * 4 * 4, 3), new ELU());
  const rebuilt = moduleFromSpec(JSON.parse(JSON.stringify(model.spec()))) as Sequential;
  assert.ok(rebuilt.at(1) instanceof ELU && (rebuilt.at(1) as ELU).alpha === 0.7);
  assert.ok(rebuilt.at(4) instanceof ELU && (rebuilt.at(4) as ELU).alpha === 1);
  assert.equal(rebuilt.toString(), model.toString());
});
