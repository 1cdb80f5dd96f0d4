/**
 * The small static server behind `fovea serve`: node:http, no framework.
 * It serves one directory (the built explainer app) read-only, plus a few
 * fixed URLs mapped to single files (the model the page opens with), and
 * nothing else. Every response carries the cross-origin isolation headers
 * (COOP/COEP) that give the page SharedArrayBuffer and with it the wasm
 * backend.
 *
 * Bad requests are answered, never fatal: a traversal attempt gets 403, a
 * malformed path 400, a method other than GET/HEAD 405, a body over the
 * limit 413 (and the connection is closed rather than read to the end); the
 * server goes on serving.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, sep } from 'node:path';
import { contentType } from './content-type.js';
import { parseRequestPath } from './request-path.js';

/** Options for {@link startStaticServer}. */
export interface StaticServerOptions {
  /** The directory served (read-only). */
  root: string;
  /** Fixed URL paths served from single files outside `root`, e.g. `{ '/model.fovea': '/path/to/my.fovea' }`. */
  files?: Readonly<Record<string, string>>;
  /** Interface to listen on; default '127.0.0.1' (this machine only). */
  host?: string;
  /** Port; default 8080; 0 picks a free one. */
  port?: number;
  /** Largest request body accepted (and discarded: nothing here takes uploads); default 64 KiB. */
  maxBodyBytes?: number;
  /** Called with a one-line description of each refused or failed request. */
  log?: (line: string) => void;
}

/** A running server. */
export interface StaticServer {
  /** The address to open, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/**
 * Headers on every response. COOP + COEP make the page cross-origin
 * isolated (SharedArrayBuffer, hence the wasm backend's shared memory);
 * CORP lets our own files load under COEP; the CSP allows only this origin
 * (plus 'wasm-unsafe-eval', which compiling the kernels needs).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
};

/**
 * Starts serving `root` and resolves once listening.
 *
 * @example
 * const s = await startStaticServer({ root: 'dist/web', files: { '/model.fovea': 'lenet.fovea' }, port: 0 });
 * console.log(s.url);   // http://127.0.0.1:41234/
 * await s.close();
 */
export async function startStaticServer(o: StaticServerOptions): Promise<StaticServer> {
  const root = await realpath(o.root);
  const host = o.host ?? '127.0.0.1';
  const maxBody = o.maxBodyBytes ?? 64 * 1024;
  const log = o.log ?? (() => {});
  const server = createServer((req, res) => {
    handle(req, res, root, o.files ?? {}, maxBody).catch((e: unknown) => {
      log(`500 ${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) send(res, 500, 'internal server error');
      else res.destroy();
    });
    res.on('finish', () => {
      if (res.statusCode >= 400) log(`${res.statusCode} ${req.method} ${req.url?.slice(0, 200)}`);
    });
  });
  // CONNECT (a proxy tunnel) never reaches the request handler: without this, Node drops the connection unanswered.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    log(`405 CONNECT ${req.url?.slice(0, 200)}`);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  // Slow or silent clients must not pin connections forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    host,
    port,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, root: string, files: Readonly<Record<string, string>>, maxBody: number): Promise<void> {
  if (!refuseBody(req, res, maxBody)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, `method ${req.method} not allowed; this server only serves files (GET, HEAD)`);
    return;
  }
  const parsed = parseRequestPath(req.url ?? '');
  if (!parsed.ok) {
    send(res, parsed.status, `refused: ${parsed.reason}`);
    return;
  }
  const urlPath = `/${parsed.segments.join('/')}`;
  const fixed = files[urlPath];
  if (fixed !== undefined) {
    await sendFile(req, res, fixed);
    return;
  }
  let file = join(root, ...parsed.segments);
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    send(res, 404, `not found: ${urlPath}`);
    return;
  }
  // A symbolic link inside the root must not lead outside it.
  const real = await realpath(file);
  if (real !== root && !real.startsWith(root + sep)) {
    send(res, 403, 'refused: outside the served directory');
    return;
  }
  await sendFile(req, res, real);
}

/**
 * Nothing served here takes a body. A declared body over the limit is
 * refused before reading it (413, then the connection is closed); a body
 * sent without a length is counted as it arrives. Returns false when the
 * request was refused.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, maxBody: number): boolean {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(declared) || declared > maxBody) {
    res.setHeader('Connection', 'close');
    send(res, 413, `request body too large (limit ${maxBody} bytes)`, () => req.destroy());
    return false;
  }
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBody && !res.headersSent) {
      res.setHeader('Connection', 'close');
      send(res, 413, `request body too large (limit ${maxBody} bytes)`, () => req.destroy());
    } else if (received > maxBody) {
      req.destroy();
    }
  });
  req.resume(); // discard whatever body there is
  return true;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    send(res, 404, 'not found');
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': contentType(file),
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', resolve);
    stream.pipe(res);
  });
}

function send(res: ServerResponse, status: number, text: string, after?: () => void): void {
  if (res.headersSent) return;
  const body = `${text}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body, after);
}
