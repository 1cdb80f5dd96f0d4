/**
 * Fuzz inputs for ONNX import (`loadOnnx`): an exported LeNet with bits
 * flipped, cut short or overwritten, and graphs edited to declare huge inputs,
 * huge or negative pads, missing attributes and missing initializers. Each
 * must import as a model whose prediction on a blank image is finite, or be
 * refused with an OnnxError naming the file.
 */
import { exportOnnx } from '../../io/onnx/export-onnx.js';
import { loadOnnx, type LoadedOnnx } from '../../io/onnx/load-onnx.js';
import { decodeOnnxModel, encodeOnnxModel, type OnnxModel } from '../../io/onnx/onnx-proto.js';
import { lenet } from '../../nn/models.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { zeros } from '../../tensor/ops/creation.js';
import { manualSeed } from '../../util/random.js';
import { finiteCheck, type FuzzCase, type FuzzRandom } from './fuzz-case.js';

/** An imported model predicts: finite values, one row per image. */
function importsWorking(r: unknown): string | null {
  const { model, inputShape } = r as LoadedOnnx;
  const y = noGrad(() => model.forward(zeros([1, ...inputShape])));
  if (y.shape[0] !== 1) return `output shape [${y.shape.join(', ')}] for one image`;
  return finiteCheck(y.data, 'the prediction on a blank image');
}

export function* cases(r: FuzzRandom, rounds: number): Generator<FuzzCase> {
  manualSeed(14);
  const good = exportOnnx(lenet(), { inputShape: [1, 28, 28] });
  let n = 0;
  const load = (name: string, bytes: Uint8Array): FuzzCase => {
    const file = `fuzz/onnx-${n++}.onnx`;
    return { name, names: file, run: () => loadOnnx(bytes, file), check: importsWorking };
  };
  const edited = (name: string, edit: (m: OnnxModel) => void): FuzzCase => {
    const m = decodeOnnxModel(good, 'lenet.onnx');
    edit(m);
    return load(name, encodeOnnxModel(m));
  };
  yield load('unchanged', good);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < 30; k++) {
      const { bytes, how } = r.mutate(good);
      yield load(`${how} (round ${round}, ${k})`, bytes);
    }
  }
  const conv = (m: OnnxModel) => m.graph.nodes.find((x) => x.opType === 'Conv')!;
  const attr = (m: OnnxModel, name: string) => conv(m).attributes.find((a) => a.name === name);
  const input = (m: OnnxModel) => m.graph.inputs[0]!;
  yield edited('input 65536x65536', (m) => (input(m).dims = ['N', 1, 65_536, 65_536]));
  yield edited('input 3 channels for a 1-channel conv', (m) => (input(m).dims = ['N', 3, 28, 28]));
  yield edited('input dims negative', (m) => (input(m).dims = ['N', 1, -28, 28]));
  yield edited('input of 2 dims', (m) => (input(m).dims = ['N', 784]));
  yield edited('input dims all dynamic', (m) => (input(m).dims = ['N', 'C', 'H', 'W']));
  yield edited('conv pads 1e6', (m) => (attr(m, 'pads')!.ints = [1e6, 1e6, 1e6, 1e6]));
  yield edited('conv pads negative', (m) => (attr(m, 'pads')!.ints = [-9, -9, -9, -9]));
  yield edited('conv pads of 3 values', (m) => (attr(m, 'pads')!.ints = [1, 1, 1]));
  yield edited('conv kernel_shape missing', (m) => (conv(m).attributes = conv(m).attributes.filter((a) => a.name !== 'kernel_shape')));
  yield edited('conv kernel_shape 0', (m) => (attr(m, 'kernel_shape')!.ints = [0, 0]));
  yield edited('conv strides 0', (m) => conv(m).attributes.push({ name: 'strides', type: 7, ints: [0, 0] }));
  yield edited('conv dilations 2^31', (m) => conv(m).attributes.push({ name: 'dilations', type: 7, ints: [2 ** 31, 2 ** 31] }));
  yield edited('conv group 0', (m) => conv(m).attributes.push({ name: 'group', type: 2, i: 0 }));
  yield edited('conv group 7', (m) => conv(m).attributes.push({ name: 'group', type: 2, i: 7 }));
  yield edited('first initializer missing', (m) => m.graph.initializers.shift());
  yield edited('every initializer missing', (m) => (m.graph.initializers = []));
  yield edited('an initializer with NaN', (m) => {
    const t = m.graph.initializers[0]!;
    const data = Float32Array.from(t.data as Float32Array);
    data[0] = NaN;
    t.data = data;
  });
  yield edited('an initializer of the wrong dims', (m) => (m.graph.initializers[0]!.dims = [7, 7]));
  yield edited('an unknown operator', (m) => (conv(m).opType = 'FancyConv'));
  yield edited('a node reading a missing value', (m) => (m.graph.nodes[1]!.inputs = ['nowhere']));
  yield edited('no nodes', (m) => (m.graph.nodes = []));
  yield edited('no outputs', (m) => (m.graph.outputs = []));
  yield edited('a cycle', (m) => (m.graph.nodes[0]!.inputs[0] = m.graph.nodes[m.graph.nodes.length - 1]!.outputs[0]!));
  yield edited('opset 1', (m) => (m.opsetImport = [{ domain: '', version: 1 }]));
  yield load('empty file', new Uint8Array());
  yield load('a text file', new TextEncoder().encode('ir_version: 7\ngraph { }'));
}
