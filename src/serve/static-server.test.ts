// The server as a browser and an attacker see it: real sockets, real files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer, type StaticServer } from './static-server.js';

const dir = mkdtempSync(join(tmpdir(), 'fovea-serve-'));
const root = join(dir, 'web');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(dir, 'secret.txt'), 'secret');
writeFileSync(join(dir, 'model.fovea'), new Uint8Array([1, 2, 3, 4]));
symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));

let server: StaticServer;
const logged: string[] = [];

before(async () => {
  server = await startStaticServer({ root, port: 0, files: { '/model.fovea': join(dir, 'model.fovea') }, maxBodyBytes: 1024, log: (l) => logged.push(l) });
});
after(() => server.close());

/** A raw request (no URL normalisation on the way), returning status, headers and body. */
function raw(method: string, path: string, body?: { declared: number; send: number }): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body ? { 'content-length': body.declared } : {};
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) req.write(Buffer.alloc(body.send));
    if (!body || body.send >= body.declared) req.end();
  });
}

async function stillServing(): Promise<void> {
  const r = await raw('GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.text, /<title>app<\/title>/);
}

test('listens on loopback only by default and prints a usable URL', () => {
  assert.equal(server.host, '127.0.0.1');
  assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
});

test('serves the app with content types and the cross-origin isolation headers', async () => {
  const index = await raw('GET', '/');
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(index.headers['cross-origin-embedder-policy'], 'require-corp');
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  const js = await raw('GET', '/assets/app.js?v=1');
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.text, 'console.log(1)');
  const head = await raw('HEAD', '/assets/app.js');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '14');
  assert.equal(head.text, '');
});

test('serves the model file at its fixed URL', async () => {
  const r = await raw('GET', '/model.fovea');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/octet-stream');
  assert.equal(r.headers['content-length'], '4');
  assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
});

test('missing files are 404', async () => {
  const r = await raw('GET', '/nope.js');
  assert.equal(r.status, 404);
  await stillServing();
});

test('path traversal is refused with 403 (plain, encoded, backslashes, symlinks) and the server keeps running', async () => {
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/.%2e/secret.txt', '/link.txt']) {
    const r = await raw('GET', p);
    assert.equal(r.status, 403, `${p}: ${r.status} ${r.text}`);
    assert.doesNotMatch(r.text, /secret$/m);
  }
  assert.ok(logged.some((l) => l.startsWith('403 GET /..')));
  await stillServing();
});

test('methods other than GET and HEAD get 405', async () => {
  const r = await raw('POST', '/', { declared: 10, send: 10 });
  assert.equal(r.status, 405);
  assert.equal(r.headers['allow'], 'GET, HEAD');
  await stillServing();
});

test('a huge body is refused with 413 without being read, and the server keeps running', async () => {
  const r = await raw('POST', '/', { declared: 10 * 1024 ** 3, send: 64 * 1024 });
  assert.equal(r.status, 413);
  assert.match(r.text, /too large/);
  // No Content-Length: answered at once (405), and the body is counted as it arrives; past the limit the connection is cut.
  const chunked = await new Promise<{ status: number; cut: boolean }>((resolve) => {
    let status = 0;
    const req = request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: '/', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      status = res.statusCode!;
      res.resume();
    });
    req.on('error', () => resolve({ status, cut: true }));
    req.on('close', () => resolve({ status, cut: true }));
    const feed = setInterval(() => req.write(Buffer.alloc(4096)), 5);
    req.on('close', () => clearInterval(feed));
  });
  assert.deepEqual(chunked, { status: 405, cut: true });
  await stillServing();
});

test('malformed requests and huge headers are answered with 4xx, not a crash', async () => {
  assert.equal((await raw('GET', '/%E0%A4%A')).status, 400);
  assert.equal((await raw('GET', `/${'x'.repeat(3000)}`)).status, 414);
  const garbage = await new Promise<string>((resolve) => {
    const s = connect(server.port, '127.0.0.1', () => s.write('NOT HTTP AT ALL\r\n\r\n'));
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => resolve(got));
  });
  assert.match(garbage, /^HTTP\/1\.1 400/);
  const bigHeader = await new Promise<string>((resolve) => {
    const s = connect(server.port, '127.0.0.1', () => s.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`));
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => resolve(got));
    s.on('error', () => resolve(got));
  });
  assert.match(bigHeader, /^HTTP\/1\.1 431/);
  await stillServing();
});
