/** `fovea serve` as a user starts it: a child process of the built CLI, on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package root (this file runs from .tmp/web-test/e2e/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stderr (its log of refused requests). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `node dist/cli/main.js serve --port 0 [model]` and resolves with the address it prints. */
export function startServe(args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [`${ROOT}dist/cli/main.js`, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fovea serve printed no address within 20 s; stderr: ${err}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`fovea serve exited with ${code}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/[^\s]+\//.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[0], child, stderr: () => err,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    });
  });
}
