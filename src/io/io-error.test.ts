import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelFileError } from './io-error.js';

test('ModelFileError names the file first, then the problem, and keeps both as fields', () => {
  const cause = new Error('EIO');
  const e = new ModelFileError('runs/last.safetensors', 'truncated: header describes 96 bytes of tensor data, file holds 40', { cause });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'ModelFileError');
  assert.equal(e.file, 'runs/last.safetensors');
  assert.equal(e.problem, 'truncated: header describes 96 bytes of tensor data, file holds 40');
  assert.equal(e.message, 'runs/last.safetensors: truncated: header describes 96 bytes of tensor data, file holds 40');
  assert.equal(e.cause, cause);
  assert.match(String(e), /^ModelFileError: runs\/last\.safetensors: truncated/);
});
