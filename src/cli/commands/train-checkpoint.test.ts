// Checkpoints as a user meets them: Ctrl-C during `fovea train`, then
// `fovea train --resume`, in real processes on real MNIST digits; a kill in
// the middle of a save; a truncated checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '../../io/safetensors.js';
import { loadCheckpoint } from '../../train/checkpoint-node.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-ckpt-cli-'));
const RUN = ['--limit', '600', '--epochs', '6', '--batch-size', '32', '--seed', '3', '--no-report', '--checkpoint-every', '4'];

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `fovea train` and sends SIGINT as soon as the first epoch's line is out, or, with `waitAt`,
 * when the run waits for it before its test evaluation or its save (the FOVEA_TEST_WAIT_AT hook).
 */
function trainAndInterrupt(args: string[], waitAt?: 'test' | 'save'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = waitAt ? { ...process.env, FOVEA_TEST_WAIT_AT: waitAt } : process.env;
    const child = spawn(process.execPath, [main, 'train', ...args], { env });
    let stdout = '', stderr = '', sent = false;
    const maybeSend = (): void => {
      if (sent || !(waitAt ? new RegExp(`waiting for SIGINT before the ${waitAt}`).test(stderr) : /^epoch +1\//m.test(stdout))) return;
      sent = true;
      child.kill('SIGINT');
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      maybeSend();
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      maybeSend();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function weights(file: string): Map<string, Float32Array> {
  return new Map([...decodeSafetensors(readFileSync(file), file).tensors].map(([k, t]) => [k, t.data]));
}

test('Ctrl-C saves a checkpoint and exits 130; --resume finishes with the weights of an uninterrupted run', async () => {
  const out = join(dir, 'lenet.fovea'), ckpt = `${out}.ckpt`;
  const stopped = await trainAndInterrupt([...RUN, '--out', out]);
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`interrupted in epoch \\d/6 after batch \\d+/17; checkpoint saved to ${ckpt.replace(/[.]/g, '\\.')}`));
  assert.match(stopped.stdout, /resume with: fovea train --resume /);
  assert.ok(!existsSync(out), 'no model file before the run is finished');
  const saved = loadCheckpoint(ckpt);
  assert.ok(saved.fit.epoch >= 2 && saved.fit.epoch <= 6, `stopped in epoch ${saved.fit.epoch}`);

  const conflict = fovea('train', '--resume', ckpt, '--lr', '0.5');
  assert.equal(conflict.code, 2);
  assert.match(conflict.stderr, /--lr 0\.5 conflicts with the checkpoint .*lenet\.fovea\.ckpt, whose run used the default/);

  const resumed = fovea('train', '--resume', ckpt);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resuming .* at epoch \d\/6, batch \d+\/17/);
  assert.match(resumed.stdout, /^epoch 6\/6 /m);
  assert.ok(existsSync(out), 'the resumed run writes the model');
  assert.ok(!existsSync(ckpt), 'the checkpoint is removed once the model is saved');

  const straight = join(dir, 'straight.fovea');
  const r = fovea('train', ...RUN, '--out', straight);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(weights(out), weights(straight));
});

test('Ctrl-C during the final test evaluation or the save exits 130 with an intact checkpoint; --resume gives the uninterrupted weights', async () => {
  const tiny = ['--limit', '200', '--epochs', '2', '--batch-size', '32', '--seed', '5', '--no-report'];
  const straight = join(dir, 'tiny-straight.fovea');
  const r = fovea('train', ...tiny, '--out', straight);
  assert.equal(r.code, 0, r.stderr);

  const out = join(dir, 'tiny-test.fovea'), ckpt = `${out}.ckpt`;
  const inTest = await trainAndInterrupt([...tiny, '--out', out], 'test');
  assert.equal(inTest.code, 130, inTest.stderr);
  assert.match(inTest.stdout, /interrupted during the test evaluation, after the last epoch; no model file written; checkpoint saved to /);
  assert.doesNotMatch(inTest.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(out), 'no model file');
  assert.equal(loadCheckpoint(ckpt).fit.epoch, 3, 'the checkpoint of the finished run');
  const resumed = fovea('train', '--resume', ckpt);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /test accuracy/);
  assert.deepEqual(weights(out), weights(straight));
  assert.ok(!existsSync(ckpt));

  const out2 = join(dir, 'tiny-save.fovea'), ckpt2 = `${out2}.ckpt`;
  const inSave = await trainAndInterrupt([...tiny, '--out', out2], 'save');
  assert.equal(inSave.code, 130, inSave.stderr);
  assert.match(inSave.stdout, /interrupted while saving: .*tiny-save\.fovea was completed; the checkpoint .* is kept/);
  assert.deepEqual(weights(out2), weights(straight), 'the model file is complete');
  assert.equal(loadCheckpoint(ckpt2).fit.epoch, 3);
});

test('a kill in the middle of saving checkpoints leaves the last complete one or none, never a broken file', async () => {
  const file = join(dir, 'killed.ckpt');
  const url = (p: string): string => JSON.stringify(new URL(p, import.meta.url).href);
  // Saves checkpoints of a growing step count in a loop until killed.
  const script = `
    const { Linear } = await import(${url('../../nn/linear.js')});
    const { Flatten } = await import(${url('../../nn/flatten.js')});
    const { Sequential } = await import(${url('../../nn/sequential.js')});
    const { Adam } = await import(${url('../../optim/adam.js')});
    const { saveCheckpoint } = await import(${url('../../train/checkpoint-node.js')});
    const model = new Sequential(new Flatten(), new Linear(2048, 1024)), optimizer = new Adam(model.parameters()); // 25 MB a save: kills land mid-write
    const meta = { inputShape: [2048, 1, 1], normalize: { mean: Array(2048).fill(0), std: Array(2048).fill(1) }, classNames: Array.from({ length: 1024 }, (_, i) => 'c' + i) };
    for (let i = 1; ; i++) {
      optimizer.stepCount = i;
      await saveCheckpoint(${JSON.stringify(file)}, { model, meta, options: {}, optimizer: optimizer.stateDict(), scheduler: null,
        fit: { epoch: 1, batch: i, loaderState: [1, 2, 3, 4, NaN], rngState: [1, 2, 3, 4, NaN], running: { lossSum: 0, correct: 0, seen: 0 },
          history: [], best: null, bestWeights: null } });
      if (i === 1) process.stdout.write('saving\\n');
    }`;
  for (const delayMs of [0, 9, 23, 41, 66]) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
      child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    assert.ok(existsSync(file));
    const c = loadCheckpoint(file);
    assert.equal(c.optimizer.step, c.fit.batch);
  }
  // Whatever the kills interrupted is at most a hidden temporary file beside it.
  const others = readdirSync(dir).filter((f) => f.includes('killed') && f !== 'killed.ckpt');
  assert.ok(others.every((f) => /^\.killed\.ckpt\.\d+\.[0-9a-f]+\.tmp$/.test(f)), others.join(', '));
});

test('--resume with a truncated checkpoint says so, naming the file', () => {
  const good = join(dir, 'good.ckpt');
  const make = fovea('train', '--limit', '100', '--epochs', '1', '--no-report', '--keep-checkpoint', '--out', join(dir, 'tiny.fovea'), '--checkpoint', good);
  assert.equal(make.code, 0, make.stderr);
  const bytes = readFileSync(good);
  const bad = join(dir, 'truncated.ckpt');
  writeFileSync(bad, bytes.subarray(0, bytes.length >> 1));
  const r = fovea('train', '--resume', bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^fovea train: .*truncated\.ckpt: truncated: header describes \d+ bytes of tensor data, file holds \d+/);
  const model = fovea('train', '--resume', join(dir, 'tiny.fovea'));
  assert.equal(model.code, 1);
  assert.match(model.stderr, /tiny\.fovea: is a fovea model file, not a training checkpoint/);
});
