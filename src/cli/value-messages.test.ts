// Option values a user can get wrong, beyond what the flag declarations check:
// files named by options (bench --spec, import --classes) and values checked
// against the model or the spec. Each is refused with the option, the value
// or file, and the cause; never a stack trace, never exit 0 (issue 14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { craftedPng } from '../testing/fuzz/images.cases.js';
import { checkWorkloadFile } from '../bench/workload-spec.js';
import { ModelFileError } from '../io/io-error.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const onnx = fileURLToPath(new URL('../../test/fixtures/onnx/lenet.onnx', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-values-'));

function fovea(...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

function refused(args: string[], code: number, message: RegExp): void {
  const r = fovea(...args);
  assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

test('bench: an unknown workload, a missing or malformed --spec', () => {
  refused(['bench', '--workloads', 'foo'], 2, /^fovea bench: --workloads: unknown 'foo'; .*workloads\.json has lenet, convnet, cifar/);
  refused(['bench', '--spec', join(dir, 'none.json')], 1, /none\.json: cannot read the workloads file: ENOENT/);
  refused(['bench', '--spec', file('broken.json', '{"settings": ')], 1, /broken\.json: not a JSON workloads file/);
  refused(['bench', '--spec', file('array.json', '[1, 2]')], 1, /array\.json: the file: expected an object with "settings" and "workloads"/);
});

test('a workloads file with fields of the wrong type names the field', () => {
  const good = { settings: { train_batch: 8, infer_batch: 8, latency_batch: 1, lr: 0.01, momentum: 0.9, sanity: { workload: 'w', batch: 8, steps: 10, pass_if_final_below_fraction_of_initial: 0.5 } },
    workloads: { w: { input: [1, 8, 8], classes: 2, layers: [{ type: 'flatten' }, { type: 'linear', in: 64, out: 2 }] } } };
  assert.equal(checkWorkloadFile(good, 'w.json'), good);
  const bad = (edit: (j: any) => void, re: RegExp): void => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const j = structuredClone(good);
    edit(j);
    assert.throws(() => checkWorkloadFile(j, 'w.json'), (e: unknown) => e instanceof ModelFileError && re.test(e.message), String(re));
  };
  bad((j) => delete j.settings, /^w\.json: settings: expected an object, but it is missing$/);
  bad((j) => (j.settings.train_batch = 1e9), /settings\.train_batch: expected an integer from 1 to 4096, got 1000000000/);
  bad((j) => (j.workloads.w.input = [1, 65536, 65536]), /workloads\.w\.input: expected \[C, H, W\]/);
  bad((j) => (j.workloads.w.layers[1].out = 'ten'), /workloads\.w\.layers\[1\]\.out: expected an integer from 1 to 65536, got "ten"/);
  bad((j) => (j.workloads.w.layers[0].type = 'lstm'), /workloads\.w\.layers\[0\]\.type: expected conv2d, relu, maxpool, flatten, linear, got "lstm"/);
  bad((j) => (j.workloads = {}), /workloads: expected an object of named workloads/);
});

test('import --classes: a huge count, malformed JSON, an object, a folder', () => {
  const out = join(dir, 'm.fovea');
  refused(['import', onnx, '-o', out, '--classes', '4294967296'], 2, /^fovea import: --classes: 4294967296 names for a model with 10 outputs/);
  refused(['import', onnx, '-o', out, '--classes', file('c1.json', '["a", "b"')], 2, /--classes: .*c1\.json is not valid JSON/);
  refused(['import', onnx, '-o', out, '--classes', file('c2.json', '{"0": "a"}')], 2, /--classes: .*c2\.json must hold a JSON array of class names \(strings\), got an object/);
  refused(['import', onnx, '-o', out, '--classes', dir], 2, /--classes: '.*' is not a regular file/);
  refused(['import', onnx, '-o', out, '--std', '0'], 2, /--std: expected comma-separated numbers > 0 or imagenet, got '0'/);
  refused(['import', onnx, '-o', out, '--classes', file('c3.txt', 'a\nb\n')], 2, /--classes: .*c3\.txt has 2 names for a model with 10 outputs/);
});

test('memory estimates: augment of a 9000x9000 PNG, -n 256 --size 4096, train --size 4096 on a folder are refused before decoding', () => {
  const big = join(dir, 'big.png');
  writeFileSync(big, craftedPng(9000, 9000)); // the header alone: the refusal must come before any decoding
  refused(['augment', big, '--transform', 'hflip', '-o', join(dir, 'grid.png')], 1,
    /big\.png: 9000x9000 RGB needs 927 MiB per copy; 16 samples and their grid need 33\.5 GiB, above the limit of 2\.0 GiB \(--max-memory to raise it, or a smaller --size or -n\)/);
  const digit = fileURLToPath(new URL('../../test/fixtures/images/digit7.png', import.meta.url));
  refused(['augment', digit, '--transform', 'hflip', '-n', '256', '--size', '4096', '-o', join(dir, 'grid.png')], 1, /4096x4096 RGB needs 192 MiB per copy; 256 samples and their grid need 108 GiB/);
  const ok = fovea('augment', digit, '--transform', 'hflip', '-n', '4', '--size', '32', '-o', join(dir, 'grid.png'));
  assert.equal(ok.code, 0, ok.stderr);
  const flowers = fileURLToPath(new URL('../../../shared/data/flowers', import.meta.url));
  if (existsSync(flowers)) {
    refused(['train', '--data', flowers, '--size', '4096', '--epochs', '1', '--no-report', '--out', join(dir, 'f.fovea')], 1,
      /flowers: 600 images of 3x4096x4096 need 28\.1 GiB once decoded; the limit is 2\.0 GiB/);
  }
});

test('train: a split that leaves nothing to train on, or whose parts sum to 0, says so', () => {
  refused(['train', '--val-split', '0.999', '--limit', '100', '--epochs', '1', '--no-report', '--out', join(dir, 'v.fovea')], 1,
    /^fovea train: a validation split of 0\.999 of 100 mnist images leaves no training images; lower the split or raise the limit/);
  const folder = fileURLToPath(new URL('../../../shared/data/flowers', import.meta.url));
  if (existsSync(folder)) refused(['train', '--data', folder, '--split=0/0/0', '--out', join(dir, 's.fovea')], 2, /--split.*invalid split '0\/0\/0': the parts sum to 0/);
});
