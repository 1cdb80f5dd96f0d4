/**
 * Fuzz inputs for the static server (`fovea serve`): raw HTTP requests with
 * path traversal in every spelling, NUL bytes, invalid escapes, long URLs,
 * unknown methods and bodies. Each must be answered (never a 5xx, never a
 * dropped connection without an answer), and never with a file from outside
 * the served folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer } from '../../serve/static-server.js';
import type { FuzzCase, FuzzRandom } from './fuzz-case.js';

const SECRET = 'fovea-fuzz-secret-9d1c';

/**
 * Sends `request` as is and resolves with the status line's code and the whole answer. Our side
 * is not half-closed (Node's server would drop the connection before answering); a request the
 * server is still waiting to complete gets 2 s, then the connection is closed: status 0.
 */
function raw(port: number, request: string | Uint8Array): Promise<{ status: number; text: string; complete: boolean }> {
  const complete = Buffer.from(request).includes('\r\n\r\n');
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    const done = (): void => {
      clearTimeout(idle);
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text, complete });
    };
    const idle = setTimeout(() => s.destroy(), complete ? 15_000 : 2_000);
    s.setEncoding('latin1');
    s.on('data', (d: string) => void (text += d));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? done() : reject(e)));
    s.on('close', done);
    s.write(request);
  });
}

const answered = (r: unknown): string | null => {
  const { status, text, complete } = r as { status: number; text: string; complete: boolean };
  if (text.includes(SECRET)) return `served a file from outside the folder (status ${status})`;
  if (status === 0 && complete) return 'no answer';
  if (status >= 500) return `status ${status}`;
  return null;
};

export async function* cases(r: FuzzRandom, rounds: number): AsyncGenerator<FuzzCase> {
  const base = mkdtempSync(join(tmpdir(), 'fovea-fuzz-serve-'));
  const root = join(base, 'site');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  await import('node:fs').then((fs) => fs.mkdirSync(root));
  writeFileSync(join(root, 'index.html'), '<!doctype html><p>hello</p>');
  const server = await startStaticServer({ root, port: 0, maxBodyBytes: 1024 });
  try {
    const paths = ['/', '/index.html', '/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/.%2e/secret.txt',
      '//../secret.txt', '/%00', '/index.html%00.png', '/%zz', '/%', `/${'a'.repeat(70_000)}`, '/index.html?../../secret.txt', '/\\..\\secret.txt',
      'http://evil/../secret.txt', '*', '/%c0%ae%c0%ae/secret.txt', `/${encodeURIComponent(join(base, 'secret.txt'))}`, '/~/secret.txt', '/index.html/..', '/./././index.html'];
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'FOO', 'get', ''];
    const request = (name: string, text: string | Uint8Array): FuzzCase => ({ name, names: 'http', run: () => raw(server.port, text), check: answered });
    for (const p of paths) yield request(`GET ${p.slice(0, 40)}`, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    for (const m of methods) yield request(`method '${m}'`, `${m} /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    yield request('a body over the limit', `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n${'x'.repeat(100_000)}`);
    yield request('a chunked body that never ends well', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n');
    yield request('Content-Length -1', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n');
    yield request('a header of 100 KB', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(100_000)}\r\nConnection: close\r\n\r\n`);
    yield request('HTTP/9.9', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n');
    yield request('garbage', new Uint8Array(256).map((_, i) => (i * 151) % 256));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < 20; k++) {
        const line = `GET ${r.pick(paths)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
        const { bytes, how } = r.mutate(new TextEncoder().encode(line));
        yield request(`mutated request, ${how} (round ${round}, ${k})`, bytes);
      }
    }
  } finally {
    await server.close();
    rmSync(base, { recursive: true, force: true });
  }
}
