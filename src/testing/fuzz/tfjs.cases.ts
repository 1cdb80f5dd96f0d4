/**
 * Fuzz inputs for TF.js import (`loadTfjs`, `parseTfjsMetadata`): a small
 * functional model whose model.json has one value anywhere replaced by one of
 * the wrong type or range, weights cut short or made NaN, huge declared input
 * shapes, and metadata.json labels of the wrong type. Each must import as a
 * model whose prediction is finite, or be refused with a TfjsError naming the
 * source.
 */
import { loadTfjs, type LoadedTfjs } from '../../io/tfjs/load-tfjs.js';
import { parseTfjsMetadata } from '../../io/tfjs/tfjs-metadata.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { zeros } from '../../tensor/ops/creation.js';
import { finiteCheck, type FuzzCase, type FuzzRandom } from './fuzz-case.js';
import { mutateJson } from './json-mutation.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Conv2D 1x1 (2 → 3 channels) on a 4x4 image, flattened, Dense(2). */
function tiny(): { json: Json; bytes: Uint8Array } {
  const layer = (name: string, cls: string, config: Json, from: string): Json => ({ name, class_name: cls, config: { name, ...config }, inbound_nodes: [[[from, 0, 0, {}]]] });
  const layers: Json[] = [
    { name: 'img', class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 4, 2], name: 'img' }, inbound_nodes: [] },
    layer('conv', 'Conv2D', { filters: 3, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', use_bias: true, activation: 'relu' }, 'img'),
    layer('flat', 'Flatten', {}, 'conv'),
    layer('dense', 'Dense', { units: 2, use_bias: true, activation: 'softmax' }, 'flat'),
  ];
  const json = {
    modelTopology: { class_name: 'Model', config: { name: 'm', layers, input_layers: [['img', 0, 0]], output_layers: [['dense', 0, 0]] } },
    weightsManifest: [{ paths: ['w.bin'], weights: [
      { name: 'conv/kernel', shape: [1, 1, 2, 3], dtype: 'float32' }, { name: 'conv/bias', shape: [3], dtype: 'float32' },
      { name: 'dense/kernel', shape: [48, 2], dtype: 'float32' }, { name: 'dense/bias', shape: [2], dtype: 'float32' },
    ] }],
  };
  const w = new Float32Array(6 + 3 + 96 + 2).map((_, i) => Math.sin(i) / 4);
  return { json, bytes: new Uint8Array(w.buffer) };
}

function works(r: unknown): string | null {
  const { model, inputShape } = r as LoadedTfjs;
  const y = noGrad(() => model.forward(zeros([1, ...inputShape])));
  return finiteCheck(y.data, 'the prediction on a blank image');
}

export function* cases(r: FuzzRandom, rounds: number): Generator<FuzzCase> {
  const { json, bytes } = tiny();
  let n = 0;
  const load = (name: string, j: unknown, b: Uint8Array): FuzzCase => {
    const source = `fuzz/tfjs-${n++}/model.json`;
    return { name, names: source, run: () => loadTfjs(j, b, { source }), check: works };
  };
  yield load('unchanged', json, bytes);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < 60; k++) {
      const { json: j, how } = mutateJson(r, json);
      yield load(`model.json: ${how} (round ${round}, ${k})`, j, bytes);
    }
    for (let k = 0; k < 6; k++) yield load(`weights truncated (round ${round}, ${k})`, json, r.truncate(bytes));
  }
  const edit = (name: string, f: (j: Json) => void, b = bytes): FuzzCase => {
    const j = structuredClone(json);
    f(j);
    return load(name, j, b);
  };
  const layers = (j: Json): Json[] => j.modelTopology.config.layers;
  yield edit('input 65536x65536', (j) => (layers(j)[0]!.config.batch_input_shape = [null, 65_536, 65_536, 2]));
  yield edit('filters 2^31', (j) => (layers(j)[1]!.config.filters = 2 ** 31));
  yield edit('kernel_size 0', (j) => (layers(j)[1]!.config.kernel_size = [0, 0]));
  yield edit('an unknown layer class', (j) => (layers(j)[1]!.class_name = 'LSTM'));
  yield edit('a layer with no inbound node', (j) => delete layers(j)[2]!.inbound_nodes);
  yield edit('a layer with inbound_nodes null', (j) => (layers(j)[2]!.inbound_nodes = null));
  yield edit('inbound from an unknown layer', (j) => (layers(j)[2]!.inbound_nodes = [[['ghost', 0, 0, {}]]]));
  yield edit('a weight of dtype int64', (j) => (j.weightsManifest[0].weights[0].dtype = 'int64'));
  yield edit('a weight declared 2^20 x 2^20', (j) => (j.weightsManifest[0].weights[2].shape = [2 ** 20, 2 ** 20]));
  yield edit('manifest paths not a list', (j) => (j.weightsManifest[0].paths = 'w.bin'));
  yield edit('a NaN weight', () => undefined, (() => {
    const w = new Float32Array(bytes.slice().buffer);
    w[7] = NaN;
    return new Uint8Array(w.buffer);
  })());
  yield load('modelTopology null', { ...json, modelTopology: null }, bytes);
  yield load('a JSON array', [], bytes);
  // metadata.json beside a Teachable Machine model
  for (const labels of [{ 0: 'cat' }, [1, 2], 'cat', 5]) {
    const file = `fuzz/tfjs-meta-${n++}/metadata.json`;
    yield { name: `metadata labels ${JSON.stringify(labels)}`, names: file, run: () => parseTfjsMetadata({ labels }, file) };
  }
}
