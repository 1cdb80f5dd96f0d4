// A long ONNX graph imports and runs in time linear in its nodes: each node's
// child module is found by a map lookup, not by scanning every child (which
// made a 30,000-node chain take minutes). No timings are asserted (speed lives
// in bench/); the test counts the work instead, and its size is such that a
// quadratic lookup would also run past the test timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphModule } from '../../nn/graph-module.js';
import { Module } from '../../nn/module.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { loadOnnx } from './load-onnx.js';
import { DT, encodeOnnxModel, type OnnxNode } from './onnx-proto.js';

/** x → Relu → Relu → ... → y, `n` nodes, written with the project's own protobuf writer. */
function reluChain(n: number): Uint8Array {
  const nodes: OnnxNode[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ name: `r${i}`, opType: 'Relu', domain: '', inputs: [i === 0 ? 'x' : `v${i - 1}`], outputs: [i === n - 1 ? 'y' : `v${i}`], attributes: [] });
  }
  return encodeOnnxModel({
    irVersion: 7, producerName: 'test', opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'chain', nodes, initializers: [], inputs: [{ name: 'x', elemType: DT.FLOAT, dims: ['N', 1, 2, 2] }], outputs: [{ name: 'y', elemType: DT.FLOAT, dims: null }] },
  });
}

test('a 30,000-node Relu chain imports and runs, looking each node\'s module up without scanning the children', () => {
  const n = 30_000;
  const { model } = loadOnnx(reluChain(n), 'chain.onnx');
  assert.ok(model instanceof GraphModule);
  assert.equal(model.graph.nodes.length, n);

  // Count every child that any namedChildren() walk hands out while the model
  // computes shapes and runs: the old module(name) walked all n children for
  // each of the n nodes (2 · 30,000² visits for one shape pass and one forward).
  let visited = 0;
  const original = Module.prototype.namedChildren;
  Module.prototype.namedChildren = function* counted(this: Module) {
    for (const entry of original.call(this)) {
      visited++;
      yield entry;
    }
  };
  let y: number[];
  try {
    assert.deepEqual(model.outputShape([1, 1, 2, 2]), [1, 1, 2, 2]);
    y = noGrad(() => [...model.forward(tensor([-1, 2, -3, 4], [1, 1, 2, 2])).data]);
  } finally {
    Module.prototype.namedChildren = original;
  }
  assert.deepEqual(y, [0, 2, 0, 4]);
  assert.ok(visited <= n, `the shape pass and the forward visited ${visited} children for ${n} nodes (a scan per node)`);
});

test('GraphModule.module finds a child registered after construction', () => {
  const { model } = loadOnnx(reluChain(3), 'chain.onnx');
  const g = model as GraphModule;
  const first = g.module('r0');
  const replacement = new (first.constructor as new () => Module)();
  g.registerModule('r0', replacement);
  assert.equal(g.module('r0'), replacement);
});
