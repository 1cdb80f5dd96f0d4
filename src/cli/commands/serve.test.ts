// `fovea serve` as a user runs it: a real process on a real port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lenet } from '../../nn/models.js';
import { encodeModel } from '../../io/model-file.js';
import { exportOnnx } from '../../io/onnx/export-onnx.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const shipped = fileURLToPath(new URL('../../web/models/digits.fovea', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-serve-cli-'));

/** Starts `fovea serve ...args --json` and resolves with the process and the URL it prints. */
function serve(...args: string[]): Promise<{ child: ChildProcess; url: string; model: string }> {
  const child = spawn(process.execPath, [main, 'serve', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      const r = JSON.parse(out.split('\n')[0]!) as { url: string; model: string };
      resolve({ child, url: r.url, model: r.model });
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

test('serve starts on loopback, serves the app with isolation headers and the shipped model, and stops cleanly on Ctrl-C', async () => {
  const { child, url, model } = await serve('--port', '0');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(model, shipped);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.match(await page.text(), /<title>fovea explainer/);
  const m = await fetch(new URL('model.fovea', url));
  assert.deepEqual(new Uint8Array(await m.arrayBuffer()), new Uint8Array(readFileSync(shipped)));
  assert.equal((await fetch(new URL('data/mnist.json', url))).status, 200);
  assert.equal(await stop(child), 0);
});

test('serve MODEL puts that model at /model.fovea', async () => {
  const file = join(dir, 'mine.fovea');
  writeFileSync(file, encodeModel(lenet(), { inputShape: [1, 28, 28], normalize: { mean: [0.5], std: [0.5] }, classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] }));
  const { child, url } = await serve(file, '--port', '0');
  const m = await fetch(new URL('/model.fovea', url));
  assert.deepEqual(new Uint8Array(await m.arrayBuffer()), new Uint8Array(readFileSync(file)));
  await stop(child);
});

test('serve MODEL.onnx puts an ONNX model at /model.onnx (and nothing at /model.fovea)', async () => {
  const file = join(dir, 'net.onnx');
  writeFileSync(file, exportOnnx(lenet(), { inputShape: [1, 28, 28] }));
  const { child, url } = await serve(file, '--port', '0');
  const m = await fetch(new URL('/model.onnx', url));
  assert.deepEqual(new Uint8Array(await m.arrayBuffer()), new Uint8Array(readFileSync(file)));
  assert.equal((await fetch(new URL('/model.fovea', url))).status, 404);
  await stop(child);
});

test('serve refuses a bad model file, extra arguments and a port in use, with messages', async () => {
  const junk = join(dir, 'junk.fovea');
  writeFileSync(junk, 'not a model');
  const bad = spawnSync(process.execPath, [main, 'serve', junk, '--port', '0'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /junk\.fovea/);
  const missing = spawnSync(process.execPath, [main, 'serve', join(dir, 'nope.fovea'), '--port', '0'], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.fovea: no such file/);
  const two = spawnSync(process.execPath, [main, 'serve', junk, junk], { encoding: 'utf8' });
  assert.equal(two.status, 2);
  assert.match(two.stderr, /at most one model file/);
  const port = spawnSync(process.execPath, [main, 'serve', '--port', '70000'], { encoding: 'utf8' });
  assert.equal(port.status, 2);
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const taken = (busy.address() as { port: number }).port;
  const inUse = spawnSync(process.execPath, [main, 'serve', '--port', String(taken)], { encoding: 'utf8' });
  busy.close();
  assert.equal(inUse.status, 1);
  assert.match(inUse.stderr, new RegExp(`port ${taken} on 127\\.0\\.0\\.1 is in use`));
  const help = spawnSync(process.execPath, [main, 'serve', '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /--host H/);
  assert.match(help.stdout, /127\.0\.0\.1 \(this machine only\)/);
});
