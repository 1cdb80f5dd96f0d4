/**
 * Fuzz inputs for the command line: every numeric, size, list and enum flag
 * of every command given garbage (NaN, -1, 1e309, 4294967296, '', 'ten',
 * 0x10, Infinity ...), checked in-process against the flag declarations
 * (fast), and a seeded sample of whole `fovea` runs, spawned, that must end
 * with exit 2, a message naming the flag, and no JavaScript stack trace; plus
 * files that never end (/dev/zero) and a directory as the output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../cli/cli-error.js';
import { COMMANDS } from '../../cli/command-table.js';
import { parseFlags, type Flag } from '../../cli/flags.js';
import type { FuzzCase, FuzzRandom } from './fuzz-case.js';

export const GARBAGE = ['NaN', '-1', '1e309', '4294967296', '', 'ten', '0x10', 'Infinity', '-0', '1.5', '9'.repeat(400), '1,2,,3', ' '] as const;

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const image = fileURLToPath(new URL('../../../test/fixtures/images/digit7.png', import.meta.url));
const model = fileURLToPath(new URL('../../../test/fixtures/onnx/lenet.onnx', import.meta.url));

/** A parsed value is plausible: numbers finite, sizes positive, lists non-empty. */
function plausible(v: unknown): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : `read as ${v}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return 'read as an empty list';
    for (const x of v) if (typeof x === 'number' && !Number.isFinite(x)) return `read as a list holding ${x}`;
    return null;
  }
  return typeof v === 'string' ? null : `read as ${JSON.stringify(v)}`;
}

/** What a spawned `fovea` printed and how it ended. */
interface Run { code: number | null; stderr: string; signal: NodeJS.Signals | null }

function fovea(args: string[]): Run {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FOVEA_THREADS: '1' } });
  return { code: r.status, stderr: r.stderr, signal: r.signal };
}

/** A spawned run must end with `code` and a message naming `names`, without a stack trace. */
const refusedWith = (code: number, names: string) => (r: unknown): string | null => {
  const { code: c, stderr, signal } = r as Run;
  if (signal) return `killed by ${signal} (timeout: a hang?)`;
  if (c !== code) return `exit ${c}, expected ${code}: ${stderr.slice(0, 200)}`;
  if (!stderr.includes(names)) return `stderr does not name ${names}: ${stderr.slice(0, 200)}`;
  if (/\n\s+at .*(\.js|node:)/.test(stderr)) return `a JavaScript stack trace: ${stderr.slice(0, 300)}`;
  return null;
};

export function* cases(r: FuzzRandom, rounds: number): Generator<FuzzCase> {
  const checked: [string, string, Flag<unknown>][] = [];
  for (const [command, c] of Object.entries(COMMANDS)) {
    for (const [name, f] of Object.entries(c.flags)) {
      if (f.type === 'boolean' || f.type === 'string') continue;
      checked.push([command, name, f]);
      for (const value of GARBAGE) {
        yield {
          name: `${command} --${name} '${value.slice(0, 20)}'`, names: `--${name}`, alsoClean: [UsageError],
          run: () => parseFlags(command, c.flags, [`--${name}=${value}`]).values,
          check: (v) => plausible((v as Record<string, unknown>)[name.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase())]),
        };
      }
    }
  }
  // whole runs, spawned: a sample of the flags above, each with one garbage value
  for (let k = 0; k < 8 * rounds; k++) {
    const [command, name] = r.pick(checked);
    const value = r.pick(GARBAGE.filter((g) => !['-0', '1.5', '9'.repeat(400)].includes(g)));
    const positional = command === 'predict' || command === 'explain' || command === 'summary' || command === 'export' || command === 'eval' ? [model, image] : command === 'filter' || command === 'augment' || command === 'tutorial' ? [image] : [];
    const args = [command, ...positional.slice(0, command === 'predict' || command === 'explain' ? 2 : 1), `--${name}`, value];
    yield {
      name: `spawned: fovea ${args.map((a) => a.slice(a.lastIndexOf('/') + 1)).join(' ')}`, names: `--${name}`,
      run: () => fovea(args),
      // a value that happens to be valid for this flag (e.g. 4294967296 for a seed) runs the command: then any exit is judged by its own message
      check: (res) => {
        const parsed = (() => {
          try {
            parseFlags(command, COMMANDS[command]!.flags, [`--${name}`, value]);
            return true;
          } catch {
            return false;
          }
        })();
        return parsed ? null : refusedWith(2, `--${name}`)(res);
      },
    };
  }
  // files that never end, a directory as the output
  const dir = mkdtempSync(join(tmpdir(), 'fovea-fuzz-cli-'));
  for (const args of [['summary', '/dev/zero'], ['predict', '/dev/zero', image], ['predict', model, '/dev/zero']]) {
    yield { name: `spawned: fovea ${args.join(' ')}`, names: '/dev/zero', run: () => fovea(args), check: refusedWith(1, '/dev/zero') };
  }
  yield { name: 'spawned: fovea filter IMAGE --kernel sobel -o DIR', names: dir, run: () => fovea(['filter', image, '--kernel', 'sobel', '-o', dir]), check: refusedWith(1, dir) };
  // a FIFO as the output: written through (a reader gets the PNG), never replaced by a regular file
  const fifo = join(dir, 'out.fifo');
  spawnSync('mkfifo', [fifo]);
  yield {
    name: 'spawned: fovea filter IMAGE -o FIFO', names: fifo,
    run: () => new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      createReadStream(fifo).on('data', (c) => chunks.push(c as Buffer)).on('error', reject).on('end', () => {
        if (code !== undefined) resolve({ code, bytes: Buffer.concat(chunks) });
        else done = () => resolve({ code, bytes: Buffer.concat(chunks) });
      });
      let code: number | null | undefined, done: (() => void) | undefined;
      spawn(process.execPath, [main, 'filter', image, '--kernel', 'sobel', '-o', fifo], { stdio: 'ignore' }).on('close', (c) => {
        code = c;
        done?.();
      });
    }),
    check: (v) => {
      const { code, bytes } = v as { code: number | null; bytes: Buffer };
      if (!statSync(fifo).isFIFO()) return 'the FIFO was replaced by a regular file';
      if (code !== 0) return `exit ${code}`;
      return bytes.subarray(1, 4).toString() === 'PNG' ? null : `the reader got ${bytes.length} bytes, not a PNG`;
    },
  };
  yield { name: 'spawned: fovea import MODEL -o DIR', names: dir, run: () => fovea(['import', model, '-o', dir]), check: refusedWith(1, dir) };
}
