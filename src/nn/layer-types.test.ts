// Layers describe themselves: each class declares a stable type name, its
// traits, and how to rebuild it from its config; one registry maps the names
// to the classes, and the specs they write are the ones saved before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as fovea from '../index.js';
import { FoveaError } from '../errors.js';
import { everyLayerModel, EVERY_LAYER_TYPES } from '../testing/every-layer.js';
import { LAYER_CLASSES, Module, ReLU, Sequential, Conv2d, moduleFromSpec, registerModuleType, type ModuleConfig } from './index.js';
import { receptiveField } from '../explain/receptive-field.js';
import type { Tensor } from '../tensor/tensor.js';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8');

test('every built-in layer class declares its own type name, registered once under it', () => {
  const names = LAYER_CLASSES.map((c) => c.type);
  assert.equal(new Set(names).size, names.length, 'type names are unique');
  for (const c of LAYER_CLASSES) assert.ok(Object.hasOwn(c, 'type'), `${c.type} declares its type itself, not by inheritance`);
  // every Module subclass the package exports is in the registry
  const exported = Object.values(fovea).filter((v): v is typeof Module => typeof v === 'function' && v.prototype instanceof Module);
  for (const cls of exported) assert.ok((LAYER_CLASSES as readonly unknown[]).includes(cls), `${(cls as { type?: string }).type} is registered`);
  assert.deepEqual([...EVERY_LAYER_TYPES].sort(), names.filter((n) => n !== 'GraphModule').sort(), 'the every-layer model uses every leaf type');
});

test('specs are unchanged: every layer type writes the JSON it wrote before, and rebuilds to the same spec', () => {
  const model = everyLayerModel(fovea);
  const saved = JSON.parse(fixture('every-layer-spec.json')) as { everyLayer: unknown };
  assert.equal(JSON.stringify(model.spec()), JSON.stringify(saved.everyLayer));
  assert.equal(JSON.stringify(moduleFromSpec(model.spec()).spec()), JSON.stringify(saved.everyLayer));
  assert.equal([...model.children()][0]!.typeName, 'Sequential');
  assert.equal(new ReLU().typeName, 'ReLU');
});

test('traits are declared on the layer: activations, dropout and batch norm are pointwise; Linear, dropout and activations are head layers; ReLU makes signs non-negative, pooling keeps them', () => {
  assert.deepEqual(new fovea.ELU().traits, { pointwise: true, head: true });
  assert.deepEqual(new fovea.Softmax().traits, { head: true, sign: 'non-negative' });
  assert.deepEqual(new fovea.ReLU().traits, { pointwise: true, head: true, sign: 'non-negative' });
  assert.deepEqual(new fovea.MaxPool2d(2).traits, { sign: 'kept' });
  assert.deepEqual(new fovea.Dropout(0.5).traits, { pointwise: true, head: true, sign: 'kept' });
  assert.deepEqual(new fovea.BatchNorm2d(2).traits, { pointwise: true });
  assert.deepEqual(new fovea.Linear(2, 2).traits, { head: true });
  assert.deepEqual(new Conv2d(1, 1, 1).traits, {});
});

test('a custom module without a type name cannot be saved; the error names the class and the fix', () => {
  class Doubler extends Module {
    forward(x: Tensor): Tensor {
      return fovea.mul(x, fovea.tensor(2));
    }
    outputShape(s: readonly number[]): number[] {
      return [...s];
    }
  }
  const model = new Sequential(new Conv2d(1, 2, 3), new Doubler());
  assert.throws(() => model.spec(), (e: unknown) => e instanceof FoveaError && /Doubler declares no type name.*static override readonly type = 'Doubler'/.test(e.message));
  assert.match(model.toString(), /Doubler\(\)/);
});

test('a custom module that declares its type, traits and config saves, loads, and is understood by type-keyed consumers', () => {
  class Scale extends Module {
    static override readonly type = 'Scale';
    static override readonly traits = { pointwise: true };
    constructor(readonly factor = 1) {
      super();
    }
    forward(x: Tensor): Tensor {
      return fovea.mul(x, fovea.tensor(this.factor));
    }
    outputShape(s: readonly number[]): number[] {
      return [...s];
    }
    override config() {
      return { factor: this.factor };
    }
    static override fromConfig(c: ModuleConfig): Scale {
      return new Scale((c as ReturnType<Scale['config']>).factor);
    }
  }
  registerModuleType(Scale);
  const model = new Sequential(new Conv2d(1, 2, 3), new Scale(3));
  assert.deepEqual(model.spec().children![1], ['1', { type: 'Scale', args: { factor: 3 } }]);
  const again = [...moduleFromSpec(JSON.parse(JSON.stringify(model.spec()))).children()][1];
  assert.ok(again instanceof Scale && again.factor === 3);
  // pointwise by its trait: the receptive field passes through it
  assert.deepEqual(receptiveField(model, [1, 8, 8], '1', [0, 0]), { y0: 0, y1: 2, x0: 0, x1: 2 });
  // a subclass without its own type inherits its base's (and saves as the base)
  class MyReLU extends ReLU {}
  assert.equal(new MyReLU().typeName, 'ReLU');
});
