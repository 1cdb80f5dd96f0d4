import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileError } from '../errors.js';
import { readKernelFile } from './kernel-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-kernel-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

test('readKernelFile reads a 2-D array of numbers', async () => {
  assert.deepEqual(await readKernelFile(file('ok.json', '[[1, 0, -1],\n [2, 0, -2],\n [1, 0, -1]]\n')), [[1, 0, -1], [2, 0, -2], [1, 0, -1]]);
  assert.deepEqual(await readKernelFile(file('one.json', '[[0.5]]')), [[0.5]]);
});

test('a kernel file that is not a 2-D array of numbers is a FileError naming the file and the problem', async () => {
  const cases: [string, string, RegExp][] = [
    ['ragged.json', '[[1, 2, 3], [4, 5]]', /row 1 has 2 entries but row 0 has 3; a kernel must be rectangular/],
    ['strings.json', '[["1", 2], [3, 4]]', /entry \[0\]\[0\] is the string "1", not a number/],
    ['empty-array.json', '[]', /the kernel is empty/],
    ['empty-rows.json', '[[], []]', /row 0 is empty/],
    ['nan.json', '[[1, NaN], [0, 1]]', /NaN or Infinity; kernel entries must be finite/],
    ['flat.json', '[1, 2, 3]', /row 0 is number 1/],
    ['object.json', '{"kernel": [[1]]}', /expected a 2-D array of numbers .*, got an object/],
    ['null.json', '[[1, null]]', /entry \[0\]\[1\] is null, not a number/],
    ['broken.json', '[[1, 2], [3, 4]', /not valid JSON/],
    ['blank.json', '  \n', /the kernel file is empty/],
  ];
  for (const [name, text, re] of cases) {
    const p = file(name, text);
    await assert.rejects(readKernelFile(p), (e: unknown) => {
      assert.ok(e instanceof FileError, `${name}: ${String(e)}`);
      assert.equal(e.file, p);
      assert.ok(e.message.startsWith(`${p}: `), e.message);
      assert.match(e.message, re, name);
      return true;
    });
  }
  await assert.rejects(readKernelFile(join(tmp, 'missing.json')), /missing\.json: kernel file not found/);
});
