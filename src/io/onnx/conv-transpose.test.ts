// ONNX ConvTranspose: every attribute (strides, pads, dilations, group, output_padding,
// output_shape, auto_pad, kernel_shape) imported into a GraphModule and checked against
// ONNX Runtime on the same hand-built model; fovea's ConvTranspose2d exported and run there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { ReLU } from '../../nn/activation.js';
import { Conv2d } from '../../nn/conv2d.js';
import { ConvTranspose2d } from '../../nn/conv-transpose2d.js';
import { Sequential } from '../../nn/sequential.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { randn } from '../../tensor/ops/creation.js';
import { manualSeed } from '../../util/random.js';
import { decodeModel, encodeModel } from '../model-file.js';
import { exportOnnx } from './export-onnx.js';
import { loadOnnx } from './load-onnx.js';
import { OnnxError } from './onnx-error.js';
import { AT, DT, encodeOnnxModel, type OnnxAttribute, type OnnxTensor } from './onnx-proto.js';

const ints = (name: string, v: number[]): OnnxAttribute => ({ name, type: AT.INTS, ints: v });
const str = (name: string, s: string): OnnxAttribute => ({ name, type: AT.STRING, s });

/** A one-node model: input [N, C, H, W] (N dynamic) → ConvTranspose with random weight [C, M/group, kH, kW] (and bias [M]). */
function oneNode(x: [number, number, number], w: [number, number, number, number], group: number, bias: boolean, attributes: OnnxAttribute[]): Uint8Array {
  const inits: OnnxTensor[] = [{ name: 'w', dims: [...w], dataType: DT.FLOAT, data: randn(w).data }];
  if (bias) inits.push({ name: 'b', dims: [w[1] * group], dataType: DT.FLOAT, data: randn([w[1] * group]).data });
  return encodeOnnxModel({
    irVersion: 7, producerName: 'test', opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g', initializers: inits,
      nodes: [{ name: 'ct', opType: 'ConvTranspose', domain: '', inputs: bias ? ['input', 'w', 'b'] : ['input', 'w'], outputs: ['y'], attributes: [{ name: 'group', type: AT.INT, i: group }, ...attributes] }],
      inputs: [{ name: 'input', elemType: DT.FLOAT, dims: ['N', ...x] }],
      outputs: [{ name: 'y', elemType: DT.FLOAT, dims: null }],
    },
  });
}

interface Case {
  name: string;
  x: [number, number, number];
  w: [number, number, number, number];
  group?: number;
  bias?: boolean;
  attrs: OnnxAttribute[];
  /** Module types the import must produce. */
  layers: string[];
}

const CASES: Case[] = [
  { name: 'auto_pad SAME_UPPER (the odd row cropped at the end)', x: [3, 5, 4], w: [3, 2, 3, 3], attrs: [str('auto_pad', 'SAME_UPPER'), ints('strides', [2, 2])], layers: ['ConvTranspose2d', 'ConstantPad2d'] },
  { name: 'auto_pad SAME_LOWER (padding 1, outputPadding 1)', x: [3, 5, 4], w: [3, 2, 3, 3], attrs: [str('auto_pad', 'SAME_LOWER'), ints('strides', [2, 2]), ints('kernel_shape', [3, 3])], layers: ['ConvTranspose2d'] },
  { name: 'output_shape (the odd row cropped at the start)', x: [2, 5, 4], w: [2, 3, 3, 3], attrs: [ints('output_shape', [10, 7]), ints('strides', [2, 2])], layers: ['ConvTranspose2d'] },
  { name: 'uneven pads, output_padding, groups, dilation, strides [2, 3]', x: [4, 4, 3], w: [4, 1, 3, 2], group: 2,
    attrs: [ints('pads', [0, 2, 2, 0]), ints('output_padding', [1, 0]), ints('strides', [2, 3]), ints('dilations', [1, 2])], layers: ['ConvTranspose2d', 'ConstantPad2d'] },
  { name: 'pads [3, 0, 0, 0] at stride 2: more than outputPadding can add back', x: [2, 4, 4], w: [2, 2, 3, 3], attrs: [ints('pads', [3, 0, 0, 0]), ints('strides', [2, 2])], layers: ['ConvTranspose2d', 'ConstantPad2d'] },
  { name: 'auto_pad VALID, depthwise 2x2 stride 2', x: [3, 3, 4], w: [3, 1, 2, 2], group: 3, attrs: [str('auto_pad', 'VALID'), ints('strides', [2, 2])], layers: ['ConvTranspose2d'] },
  { name: 'SAME_UPPER with a 1x1 kernel smaller than the stride (the full output)', x: [2, 3, 3], w: [2, 2, 1, 1], attrs: [str('auto_pad', 'SAME_UPPER'), ints('strides', [2, 2])], layers: ['ConvTranspose2d'] },
  { name: 'output_shape one row past the kernel reach (that row holds the bias alone)', x: [2, 3, 3], w: [2, 2, 3, 3], attrs: [ints('output_shape', [8, 7]), ints('strides', [2, 2])], layers: ['ConvTranspose2d'] },
];

for (const c of CASES) {
  test(`ConvTranspose import matches ONNX Runtime: ${c.name}`, async () => {
    manualSeed(c.name.length);
    const bytes = oneNode(c.x, c.w, c.group ?? 1, c.bias ?? true, c.attrs);
    const { model } = loadOnnx(bytes, 'ct.onnx', { inputShape: c.x });
    const types = [...model.modulesIter()].map((m) => m.constructor.name).filter((t) => t !== 'GraphModule');
    assert.deepEqual(types, c.layers);
    const x = randn([2, ...c.x]);
    const session = await ort.InferenceSession.create(bytes);
    const out = (await session.run({ input: new ort.Tensor('float32', new Float32Array(x.data), x.shape) }))['y']!;
    const y = noGrad(() => model.forward(x));
    assert.deepEqual([...y.shape], [...out.dims]);
    assert.deepEqual(model.outputShape(x.shape), [...out.dims]);
    const got = out.data as Float32Array;
    const err = y.toArray().reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
    assert.ok(err < 1e-4, `max abs error ${err}`);
    // and the imported layers (a crop is a Pad with negative pads) export again and run in ONNX Runtime
    const again = await ort.InferenceSession.create(exportOnnx(model, { inputShape: c.x }));
    const out2 = (await again.run({ input: new ort.Tensor('float32', new Float32Array(x.data), x.shape) }))['logits']!;
    const got2 = out2.data as Float32Array;
    assert.ok(y.toArray().every((v, i) => Math.abs(v - got2[i]!) < 1e-4), 're-exported model differs in ONNX Runtime');
  });
}

test('ConvTranspose import errors name the node and what is wrong', () => {
  manualSeed(1);
  const rejects = (bytes: Uint8Array, re: RegExp): void =>
    assert.throws(() => loadOnnx(bytes, 'bad.onnx', { inputShape: [3, 4, 4] }), (e: unknown) => e instanceof OnnxError && re.test(e.message));
  rejects(oneNode([3, 4, 4], [2, 2, 3, 3], 1, true, []), /^bad\.onnx: node 'ct' \(ConvTranspose\): input has 3 channels but weight \[2, 2, 3, 3\] \(laid out \[C, M\/group, kH, kW\]\) expects 2$/);
  rejects(oneNode([3, 4, 4], [3, 2, 3, 3], 1, true, [ints('output_shape', [1, 1, 8, 8])]), /output_shape \[1, 1, 8, 8\] must be the two spatial sizes \[H, W\]/);
  rejects(oneNode([3, 4, 4], [3, 2, 3, 3], 1, true, [ints('output_shape', [12, 12]), ints('strides', [2, 2])]),
    /an output 12 high reaches 3 rows past the kernel's reach, more than max\(stride, dilation\) - 1 = 1/);
  rejects(oneNode([3, 4, 4], [3, 2, 3, 3], 1, true, [ints('pads', [1, -1, 0, 0])]), /pads \[1, -1, 0, 0\] must be 4 integers >= 0/);
  rejects(oneNode([3, 4, 4], [3, 2, 3, 3], 1, true, [ints('kernel_shape', [3, 2])]), /kernel_shape \[3, 2\] does not match weight \[3, 2, 3, 3\]/);
  rejects(oneNode([3, 4, 4], [3, 2, 3, 3], 2, true, []), /group=2 does not divide the weight's 3 input channels/);
  rejects(oneNode([3, 4, 4], [3, 2, 3, 3], 1, true, [str('auto_pad', 'SAME')]), /auto_pad 'SAME' is not one of/);
});

/** A small encoder-decoder with every ConvTranspose2d setting. */
function decoder(): Sequential {
  return new Sequential(
    new Conv2d(3, 8, 3, { stride: 2, padding: 1 }), new ReLU(),
    new ConvTranspose2d(8, 6, 3, { stride: 2, padding: 1, outputPadding: 1 }), new ReLU(),
    new ConvTranspose2d(6, 4, 4, { stride: 2, padding: 1, groups: 2 }),
    new ConvTranspose2d(4, 4, [3, 2], { stride: [3, 1], padding: [0, 1], dilation: 2, outputPadding: [1, 1], groups: 4, bias: false }),
    // outputPadding 1 at stride 1 past padding 0: the last row is the bias alone
    new ConvTranspose2d(4, 2, 3, { dilation: 2, outputPadding: [1, 0], padding: [0, 1] }),
  );
}

test('ONNX Runtime runs an exported ConvTranspose2d decoder with fovea\'s outputs (dynamic batch)', async () => {
  manualSeed(8);
  const m = decoder().eval();
  const session = await ort.InferenceSession.create(exportOnnx(m, { inputShape: [3, 9, 8] }));
  for (const batch of [1, 3]) {
    const x = randn([batch, 3, 9, 8]);
    const out = (await session.run({ input: new ort.Tensor('float32', new Float32Array(x.data), x.shape) }))['logits']!;
    assert.deepEqual([...out.dims], m.outputShape(x.shape));
    const got = out.data as Float32Array;
    const err = noGrad(() => m.forward(x)).toArray().reduce((e, v, i) => Math.max(e, Math.abs(v - got[i]!)), 0);
    assert.ok(err < 1e-4, `batch ${batch}: max abs error ${err}`);
  }
});

test('a ConvTranspose2d model goes fovea → ONNX → fovea → .fovea and back with the same outputs', () => {
  manualSeed(9);
  const m = decoder().eval();
  const { model } = loadOnnx(exportOnnx(m, { inputShape: [3, 9, 8] }), 'decoder.onnx');
  assert.equal([...model.modulesIter()].filter((l) => l instanceof ConvTranspose2d).length, 4);
  const x = randn([2, 3, 9, 8]);
  const want = noGrad(() => m.forward(x)).toArray();
  const diff = (a: number[]): number => a.reduce((s, v, i) => Math.max(s, Math.abs(v - want[i]!)), 0);
  assert.ok(diff(noGrad(() => model.forward(x)).toArray()) < 1e-5);
  const meta = { inputShape: [3, 9, 8] as [number, number, number], normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, classNames: ['a'] };
  for (const original of [m, model]) {
    const { model: back } = decodeModel(encodeModel(original, meta), 'decoder.fovea');
    assert.equal(back.toString(), original.toString());
    assert.ok(diff(noGrad(() => back.forward(x)).toArray()) < 1e-5);
  }
});
