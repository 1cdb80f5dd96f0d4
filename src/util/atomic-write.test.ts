import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import { FileError } from '../errors.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fovea-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const variants = [
  { name: 'writeFileAtomic', write: writeFileAtomic },
  { name: 'writeFileAtomicSync', write: async (p: string, d: Uint8Array | string) => writeFileAtomicSync(p, d) },
];

for (const { name, write } of variants) {
  describe(name, () => {
    test('creates a new file with exactly the bytes given, and leaves no temp file', async () => {
      const target = join(dir, 'model.safetensors');
      const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
      await write(target, bytes);
      assert.deepEqual(new Uint8Array(readFileSync(target)), bytes);
      assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    });

    test('writes strings as UTF-8 and replaces existing content, keeping its permissions', async () => {
      const target = join(dir, 'config.json');
      writeFileSync(target, 'old content that is longer than the new', { mode: 0o600 });
      await write(target, '{"classes":["çat","dög"]}');
      assert.equal(readFileSync(target, 'utf8'), '{"classes":["çat","dög"]}');
      if (process.platform !== 'win32') assert.equal(statSync(target).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir), ['config.json']);
    });

    test('a missing directory is an error naming the path and the directory, not created', async () => {
      const missing = join(dir, 'no-such-dir');
      const target = join(missing, 'last.safetensors');
      await assert.rejects(write(target, 'x'), (e: unknown) => {
        assert.ok(e instanceof FileError);
        assert.equal(e.file, target);
        assert.equal(e.message, `${target}: cannot write: directory ${missing} does not exist`);
        return true;
      });
      assert.deepEqual(readdirSync(dir), []);
    });

    test('a directory target is refused naming it, and nothing is written', async () => {
      const target = join(dir, 'taken');
      mkdirSync(target);
      writeFileSync(join(target, 'inside'), 'keep');
      await assert.rejects(write(target, 'new'), (e: unknown) => {
        assert.ok(e instanceof FileError);
        assert.match(e.message, new RegExp(`^${escape(target)}: cannot write: it is a directory\n`));
        return true;
      });
      assert.deepEqual(readdirSync(dir), ['taken']);
      assert.deepEqual(readdirSync(target), ['inside']);
      assert.equal(readFileSync(join(target, 'inside'), 'utf8'), 'keep');
    });

    test('/dev/null is written through, not replaced: it stays a character device', { skip: process.platform === 'win32' }, async () => {
      try {
        await write('/dev/null', new Uint8Array(4096).fill(7));
      } finally {
        repairDevNull();
      }
      assert.ok(statSync('/dev/null').isCharacterDevice());
      assert.ok(!readdirSync('/dev').some((n) => n.startsWith('.null.')), 'no temp file left in /dev');
    });

    test('a FIFO is written through to its reader and stays a FIFO', { skip: process.platform === 'win32' }, async () => {
      const fifo = join(dir, 'pipe');
      const made = spawnSync('mkfifo', [fifo]);
      if (made.status !== 0) return; // no mkfifo on this system
      const payload = 'x'.repeat(200_000); // larger than a pipe buffer: the reader must drain it
      const reader = spawn(process.execPath, ['-e', `process.stdout.write(String(require('fs').readFileSync(${JSON.stringify(fifo)}).length))`]);
      let out = '';
      reader.stdout.on('data', (d: Buffer) => (out += String(d)));
      const exited = new Promise<number | null>((resolve) => reader.on('close', resolve));
      await write(fifo, payload);
      assert.equal(await exited, 0);
      assert.equal(out, String(payload.length));
      assert.ok(lstatSync(fifo).isFIFO());
      assert.deepEqual(readdirSync(dir), ['pipe']);
    });

    test('writing through a symlink replaces the file it points to and keeps the link', { skip: process.platform === 'win32' }, async () => {
      const real = join(dir, 'real.bin');
      const link = join(dir, 'link.bin');
      writeFileSync(real, 'old');
      symlinkSync(real, link);
      await write(link, 'new');
      assert.equal(readFileSync(real, 'utf8'), 'new');
      assert.equal(readFileSync(link, 'utf8'), 'new');
      assert.deepEqual(readdirSync(dir).sort(), ['link.bin', 'real.bin']);
    });
  });
}

test('a concurrent reader only ever sees a whole old or a whole new file', async () => {
  const target = join(dir, 'checkpoint.bin');
  // Distinct sizes and fill bytes, so any torn or partial read is detectable.
  const versions = [1, 2, 3, 4, 5, 6].map((v) => new Uint8Array(v * 256 * 1024).fill(v));
  writeFileSync(target, new Uint8Array(128 * 1024).fill(0));
  let done = false;
  const writers = (async () => {
    for (let round = 0; round < 3; round++) await Promise.all(versions.map((v) => writeFileAtomic(target, v)));
  })().finally(() => {
    done = true;
  });
  let reads = 0;
  while (!done) {
    const got = await readFile(target);
    const fill = got[0] ?? -1;
    const expectedLength = fill === 0 ? 128 * 1024 : fill * 256 * 1024;
    assert.equal(got.length, expectedLength, `read ${got.length} bytes of version ${fill}`);
    assert.ok(got.every((b) => b === fill), `version ${fill} is mixed with another`);
    reads++;
  }
  await writers;
  assert.ok(reads > 0);
  assert.deepEqual(readdirSync(dir), ['checkpoint.bin']);
});

/**
 * A regression of this fix, run as root, replaces the machine's /dev/null with
 * a regular file, breaking every other process that writes to it; put the
 * device back (the test still fails, having seen the damage).
 */
function repairDevNull(): void {
  if (statSync('/dev/null').isCharacterDevice() || process.getuid?.() !== 0) return;
  const fresh = '/dev/.null.fovea-test-repair';
  if (spawnSync('mknod', ['-m', '666', fresh, 'c', '1', '3']).status === 0) spawnSync('mv', ['-f', fresh, '/dev/null']);
  assert.fail('writing to /dev/null replaced it with a regular file (it has been restored)');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
