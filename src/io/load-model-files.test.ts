import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFiles } from './load-model-files.js';
import { loadAnyModel } from './load-any-model-node.js';
import { encodeModel } from './model-file.js';
import { ModelFileError } from './io-error.js';
import { lenet } from '../nn/models.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { tmFolder } from '../testing/tm-folder.js';

const picked = (folder: string, names = readdirSync(folder)): { name: string; bytes: Uint8Array }[] =>
  names.map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(join(folder, n))) }));

test('loadModelFiles: a Teachable Machine folder picked as files gives what loadAnyModel gives for the folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-files-'));
  try {
    const { folder } = await tmFolder(dir, 'tm');
    const fromFiles = loadModelFiles(picked(folder));
    const fromFolder = loadAnyModel(folder);
    assert.equal(fromFiles.format, 'tfjs-layers');
    assert.equal(fromFiles.source, 'model.json');
    assert.deepEqual(fromFiles.meta, fromFolder.meta);
    assert.deepEqual(fromFiles.meta.classNames, ['cat', 'dog', 'bird']);
    const x = new Tensor(Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => Math.sin(i)), [1, 3, 16, 16]);
    assert.deepEqual(noGrad(() => fromFiles.model.forward(x)).data, noGrad(() => fromFolder.model.forward(x)).data);
    // without metadata.json: numbered classes; without the shard: an error naming it.
    assert.deepEqual(loadModelFiles(picked(folder, ['model.json', 'weights.bin'])).meta.classNames, ['0', '1', '2']);
    assert.throws(() => loadModelFiles(picked(folder, ['model.json', 'metadata.json'])), (e: Error) => e instanceof ModelFileError && /weight shard 'weights\.bin' was not given/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadModelFiles: one .fovea file; errors name what is wrong', () => {
  const bytes = encodeModel(lenet(), { inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: [...'0123456789'] });
  const m = loadModelFiles([{ name: 'dir/lenet.fovea', bytes }]);
  assert.equal(m.format, 'fovea');
  assert.equal(m.source, 'lenet.fovea');
  assert.throws(() => loadModelFiles([]), /no file given/);
  assert.throws(() => loadModelFiles([{ name: 'a.fovea', bytes }, { name: 'b.fovea', bytes }]), /2 files but no TF\.js model\.json/);
  assert.throws(() => loadModelFiles([{ name: 'x.json', bytes: new TextEncoder().encode('{"a": 1}') }]), /no modelTopology/);
  assert.throws(() => loadModelFiles([{ name: 'photo.png', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]) }]), /photo\.png.*PNG image, not a model/);
});
