import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModelFileError } from './io-error.js';
import { loadAnyModel } from './load-any-model-node.js';

function refused(source: string, message: RegExp): void {
  assert.throws(() => loadAnyModel(source), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.equal(e.file, source);
    assert.match(e.message, message);
    return true;
  });
}

test('a character device is refused before reading (fovea predict /dev/zero used to grow to 4 GB)', { skip: process.platform === 'win32' }, () => {
  refused('/dev/zero', /^\/dev\/zero: is a character device, not a regular file; expected /);
});

test('a FIFO is refused without blocking on it', { skip: process.platform === 'win32' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-any-'));
  try {
    const fifo = join(dir, 'model.fovea');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    refused(fifo, /is a FIFO \(named pipe\), not a regular file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file over 2 GiB is refused before reading (a sparse file, no disk used)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-any-'));
  try {
    const big = join(dir, 'big.fovea');
    writeFileSync(big, '');
    truncateSync(big, 2 ** 31 + 1);
    refused(big, /is 2147483649 bytes, more than the 2147483648-byte \(2 GiB\) limit on model files/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
