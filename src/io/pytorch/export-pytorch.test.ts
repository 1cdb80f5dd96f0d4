// PyTorch export: model.py + model.safetensors, run under Debian's torch
// (/usr/bin/python3, or $PYTHON): the same logits within 1e-5, a strict
// load_state_dict, and one SGD step that trains.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fovea from '../../index.js';
import { EVERY_LAYER_TYPES, everyLayerInput, everyLayerModel } from '../../testing/every-layer.js';
import type { ModelMeta } from '../model-file.js';
import { ModelFileError } from '../io-error.js';
import { exportPyTorch, PYTORCH_EXPORTABLE_MODULES } from './export-pytorch.js';
import { savePyTorch } from './export-pytorch-node.js';

const f = fovea;
const opsOnnx = fileURLToPath(new URL('../../../test/fixtures/onnx/ops.onnx', import.meta.url));

const metaFor = (model: fovea.Module, inputShape: [number, number, number]): ModelMeta => {
  const classes = model.outputShape([1, ...inputShape])[1]!;
  const c = inputShape[0];
  return { inputShape, normalize: { mean: Array(c).fill(0.5), std: Array(c).fill(0.25) }, classNames: Array.from({ length: classes }, (_, i) => `class "${i}"`), fit: 'cover' };
};

/** Strides, dilations, groups, 'same' with an even kernel, asymmetric pads and crops, a Residual with a shortcut, a null Hardtanh bound. */
function variantsModel(): fovea.Module {
  const features = new f.Sequential(
    new f.Conv2d(3, 6, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2] }),
    new f.Conv2d(6, 6, 4, { padding: 'same', groups: 3 }),
    new f.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    new f.Residual(new f.Sequential(new f.Conv2d(6, 4, 1), new f.BatchNorm2d(4)), new f.Conv2d(6, 4, 1, { bias: false })),
    new f.ConvTranspose2d(4, 4, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 }),
    new f.ConstantPad2d([-1, 2, 0, 1], 0.5),
    new f.Hardtanh(null, 2),
    new f.MaxPool2d([2, 3], { stride: [1, 2], padding: [1, 1] }),
    new f.Flatten(2),
    new f.Flatten(),
  );
  const n = features.outputShape([1, 3, 15, 13])[1]!;
  return new f.Sequential({ features, head: new f.Linear(n, 3) });
}

/** Non-trivial batch-norm statistics, so eval mode is exercised. */
function setRunningStats(model: fovea.Module): void {
  for (const [name, t] of model.stateDict()) {
    if (name.endsWith('running_mean')) t.data.forEach((_, i) => (t.data[i] = 0.1 * i - 0.2));
    if (name.endsWith('running_var')) t.data.forEach((_, i) => (t.data[i] = 0.5 + 0.25 * i));
  }
}

describe('exportPyTorch', () => {
  test('every built-in layer type has a PyTorch emitter', () => {
    for (const type of [...EVERY_LAYER_TYPES, 'GraphModule']) assert.ok(PYTORCH_EXPORTABLE_MODULES.includes(type), type);
    for (const cls of f.LAYER_CLASSES) assert.ok(PYTORCH_EXPORTABLE_MODULES.includes(cls.type), cls.type);
  });

  test('a layer type without an emitter is refused, naming its path and type', () => {
    class Swish extends f.Module {
      static override readonly type = 'Swish';
      forward(x: fovea.Tensor): fovea.Tensor { return x; }
      outputShape(s: readonly number[]): number[] { return [...s]; }
    }
    const model = new f.Sequential({ features: new f.Sequential(new f.Conv2d(1, 2, 3), new Swish()), head: new f.Sequential(new f.Flatten(), new f.Linear(2 * 6 * 6, 2)) });
    assert.throws(() => exportPyTorch(model, metaFor(model, [1, 8, 8]), { source: 'swish.fovea' }),
      (e: Error) => e instanceof ModelFileError && /^swish\.fovea: cannot export layer 'features\.1' \(Swish\) to PyTorch: no PyTorch emitter/.test(e.message));
  });

  test('a model that does not take its meta input shape is refused with the layer path', () => {
    const model = new f.Sequential(new f.Flatten(), new f.Linear(10, 2));
    assert.throws(() => exportPyTorch(model, metaFor(new f.Sequential(new f.Flatten(), new f.Linear(16, 2)), [1, 4, 4])), /linear \(1\): input has 16 features but weight \[2, 10\]/);
  });

  test('meta with normalisation for the wrong channel count is refused', () => {
    const model = new f.Sequential(new f.Flatten(), new f.Linear(16, 2));
    const meta = { ...metaFor(model, [1, 4, 4]), normalize: { mean: [0, 0, 0], std: [1, 1, 1] } };
    assert.throws(() => exportPyTorch(model, meta, { source: 'm.fovea' }), /m\.fovea: normalize has 3 means and 3 stds for 1 input channel/);
  });

  test('savePyTorch refuses a file where the folder should be, and writes nothing for an unexportable model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fovea-pt-'));
    try {
      const model = new f.Sequential(new f.Flatten(), new f.Linear(16, 2));
      writeFileSync(join(dir, 'file'), 'x');
      await assert.rejects(savePyTorch(join(dir, 'file'), model, metaFor(model, [1, 4, 4])), /file: exists and is not a folder/);
      class Odd extends f.Module {
        static override readonly type = 'Odd';
        forward(x: fovea.Tensor): fovea.Tensor { return x; }
        outputShape(s: readonly number[]): number[] { return [...s]; }
      }
      const bad = new f.Sequential(new Odd(), new f.Flatten(), new f.Linear(16, 2));
      await assert.rejects(savePyTorch(join(dir, 'out'), bad, metaFor(bad, [1, 4, 4])), /cannot export layer '0' \(Odd\)/);
      assert.equal(existsSync(join(dir, 'out')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('model.py carries the preprocessing as constants and the weights under fovea names', () => {
    const model = everyLayerModel(f);
    const files = exportPyTorch(model, metaFor(model, [3, 16, 16]), { source: 'every.fovea' });
    const py = files['model.py'];
    assert.match(py, /^INPUT_SHAPE = \(3, 16, 16\)/m);
    assert.match(py, /^MEAN = \(0\.5, 0\.5, 0\.5,\)/m);
    assert.match(py, /^FIT = "cover"/m);
    assert.match(py, /^CLASS_NAMES = \["class \\"0\\"", /m);
    assert.match(py, /nn\.ConstantPad2d\(\(0, 1, 1, 0\), float\('-inf'\)\)/);
    const names = [...f.decodeSafetensors(files['model.safetensors'], 'model.safetensors').tensors.keys()].sort();
    assert.deepEqual(names, [...model.stateDict().keys()].sort());
  });
});

const python = process.env['PYTHON'] ?? '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const noTorch = probe.status === 0 ? false : `${python} has no torch (Debian: apt-get install python3-torch; or set PYTHON): ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}`;

/** For each export folder: load model.py, compare logits, train one SGD step. */
const CHECK = `
import importlib.util, json, sys, torch
import torch.nn.functional as F
torch.manual_seed(0)
out = {}
for i, case in enumerate(json.loads(sys.argv[1])):
    spec = importlib.util.spec_from_file_location(f'exported{i}', case['dir'] + '/model.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net = mod.load()
    x = torch.tensor(case['x'], dtype=torch.float32).reshape([-1, *mod.INPUT_SHAPE])
    with torch.no_grad():
        y = net(x).reshape(-1)
    want = torch.tensor(case['y'], dtype=torch.float32)
    before = {k: v.detach().clone() for k, v in net.named_parameters()}
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    xb = torch.cat([x, x.flip(0) * 0.5 + 0.1])
    logits = net(xb)
    loss = F.cross_entropy(logits.reshape(xb.shape[0], -1), torch.arange(xb.shape[0]) % len(mod.CLASS_NAMES))
    loss.backward()
    opt.step()
    unchanged = [k for k, v in net.named_parameters() if torch.equal(v, before[k])]
    out[case['name']] = {'maxdiff': float((y - want).abs().max()), 'scale': float(want.abs().max()), 'loss': float(loss),
                         'unchanged': unchanged, 'params': len(before)}
print(json.dumps(out))
`;

describe('the export in PyTorch', { skip: noTorch }, () => {
  test('every layer type, convolution variants and an imported ONNX graph: same logits within 1e-5, one SGD step trains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fovea-pt-'));
    try {
      f.manualSeed(7);
      const graph = f.loadOnnx(readFileSync(opsOnnx), 'ops.onnx').model;
      const cases = [
        { name: 'every', model: everyLayerModel(f), shape: [3, 16, 16] as [number, number, number], x: everyLayerInput(f) },
        { name: 'variants', model: variantsModel(), shape: [3, 15, 13] as [number, number, number], x: f.randn([2, 3, 15, 13]) },
        { name: 'graph', model: graph, shape: [3, 16, 16] as [number, number, number], x: f.randn([2, 3, 16, 16]) },
      ];
      const args = [];
      for (const c of cases) {
        setRunningStats(c.model);
        c.model.eval();
        const y = f.noGrad(() => c.model.forward(c.x));
        // a source name with backslashes and a triple quote must still give valid Python
        await savePyTorch(join(dir, c.name), c.model, metaFor(c.model, c.shape), { source: c.name === 'variants' ? 'C:\\new\\x"""y.fovea' : `${c.name}.fovea` });
        args.push({ name: c.name, dir: join(dir, c.name), x: Array.from(c.x.data), y: Array.from(y.data) });
      }
      const r = spawnSync(python, ['-c', CHECK, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, { maxdiff: number; scale: number; loss: number; unchanged: string[]; params: number }>;
      for (const c of cases) {
        const o = out[c.name]!;
        assert.ok(o.scale > 1e-3, `${c.name}: logits are not all ~0`);
        assert.ok(o.maxdiff <= 1e-5, `${c.name}: PyTorch's logits differ from fovea's by ${o.maxdiff}`);
        assert.ok(Number.isFinite(o.loss), `${c.name}: loss ${o.loss}`);
        assert.ok(o.unchanged.length < o.params, `${c.name}: the SGD step changed no parameter`);
      }
      // Every parameter trains, except (possibly) the bias of a convolution right before a batch norm in
      // training mode: the batch mean takes any constant shift back out, so its gradient is zero up to rounding.
      assert.deepEqual(out['every']!.unchanged.filter((n) => n !== 'features.2.bias'), []);
      assert.deepEqual(out['variants']!.unchanged.filter((n) => n !== 'features.3.body.0.bias'), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
