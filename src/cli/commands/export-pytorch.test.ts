// `fovea export MODEL --pytorch DIR` as a user runs it, then DIR/model.py under Debian's torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../../io/model-file-node.js';
import { lenet } from '../../nn/models.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { manualSeed } from '../../util/random.js';
import { loadModelInput } from '../../vision/model-input-node.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const digit = fileURLToPath(new URL('../../../test/fixtures/images/digit7.png', import.meta.url));
const python = process.env['PYTHON'] ?? '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const noTorch = probe.status === 0 ? false : `${python} has no torch (Debian: apt-get install python3-torch; or set PYTHON)`;

test('export --pytorch writes a folder that Python imports as a package: same logits, a summary, torchvision preprocessing', { skip: noTorch }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-pt-cli-'));
  try {
    manualSeed(5);
    const model = lenet();
    const meta = { inputShape: [1, 28, 28] as [number, number, number], normalize: { mean: [0.1307], std: [0.3081] }, classNames: [...'0123456789'] };
    await saveModel(join(dir, 'lenet.fovea'), model, meta);
    const r = spawnSync(process.execPath, [main, 'export', join(dir, 'lenet.fovea'), '--pytorch', join(dir, 'out'), '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { files: string[]; output: unknown[]; parameters: number };
    assert.deepEqual(printed.files, [join(dir, 'out', 'model.py'), join(dir, 'out', 'model.safetensors')]);
    assert.deepEqual(printed.output, ['N', 10]);

    const { x } = await loadModelInput(digit, meta);
    const want = noGrad(() => model.eval().forward(x)).toArray();
    const script = `
import json, sys, torch
from out import model
net = model.load()
x = torch.tensor(json.loads(sys.argv[1])).reshape(1, *model.INPUT_SHAPE)
with torch.no_grad():
    y = net(x)[0].tolist()
from PIL import Image
t = model.transform()(Image.open(sys.argv[2]))
print(json.dumps({'y': y, 'classes': model.CLASS_NAMES, 'shape': list(t.shape), 'params': sum(p.numel() for p in net.parameters())}))`;
    const py = spawnSync(python, ['-c', script, JSON.stringify(Array.from(x.data)), digit], { encoding: 'utf8', cwd: dir });
    assert.equal(py.status, 0, py.stderr);
    const out = JSON.parse(py.stdout) as { y: number[]; classes: string[]; shape: number[]; params: number };
    assert.ok(out.y.every((v, i) => Math.abs(v - want[i]!) <= 1e-5), `logits ${out.y} vs fovea ${want}`);
    assert.deepEqual(out.classes, meta.classNames);
    assert.deepEqual(out.shape, [1, 28, 28]);
    assert.equal(out.params, printed.parameters);

    const summary = spawnSync(python, [join(dir, 'out', 'model.py')], { encoding: 'utf8' });
    assert.equal(summary.status, 0, summary.stderr);
    assert.match(summary.stdout, /output: \[1, 10\], classes \(10\): 0, 1, 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('export: --pytorch with --onnx or --bake-normalization is a usage error', () => {
  for (const extra of [['--onnx', 'x.onnx'], ['--bake-normalization']]) {
    const r = spawnSync(process.execPath, [main, 'export', 'missing.fovea', '--pytorch', 'out', ...extra], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, extra[0] === '--onnx' ? /give one of --onnx and --pytorch/ : /--bake-normalization is for --onnx/);
  }
});
