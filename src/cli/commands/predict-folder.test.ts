// `fovea predict MODEL DIR --out FILE` as a user runs it: a folder with an unreadable file, then an
// interrupted output resumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../../io/model-file-node.js';
import { lenet } from '../../nn/models.js';
import { writePng } from '../../vision/write-png.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const fovea = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

test('predict DIR --out: every image once, a line per unreadable file, resumed after an interruption', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-predict-dir-'));
  try {
    const model = join(dir, 'lenet.fovea');
    await saveModel(model, lenet(), { inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: [...'0123456789'] });
    const photos = join(dir, 'digits');
    mkdirSync(join(photos, 'more'), { recursive: true });
    for (let i = 0; i < 50; i++) {
      await writePng(join(photos, i < 25 ? '' : 'more', `d${i}.png`), { width: 28, height: 28, channels: 1, data: Uint8Array.from({ length: 784 }, (_, p) => (p * (i + 3)) % 256) });
    }
    writeFileSync(join(photos, 'torn.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    const out = join(dir, 'predictions.csv');

    const usage = fovea('predict', model, photos);
    assert.equal(usage.status, 2, usage.stderr);
    assert.match(usage.stderr, /is a folder or pattern: give --out predictions\.csv/);

    const first = fovea('predict', model, photos, '--out', out, '--top', '2', '--batch-size', '8');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /fovea predict: unreadable, skipped: .*torn\.jpg: corrupt or truncated image header/);
    assert.match(first.stdout, /50 image\(s\) predicted, 1 unreadable .* images\/s\)/);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'file,class1,probability1,class2,probability2,error');
    assert.equal(rows.length, 52);
    assert.equal(new Set(rows.slice(1).map((r) => r.split(',')[0])).size, 51);

    // an interrupted run: 20 rows and a torn line remain
    const keep = rows.slice(0, 21).join('\n').length + 1;
    truncateSync(out, keep + 15);
    const again = fovea('predict', model, `${photos}/**/*.{png,jpg}`, '--out', out, '--top', '2', '--json');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /removed a last line cut short by an interrupted run \(15 bytes\)/);
    const r = JSON.parse(again.stdout) as { predicted: number; unreadable: number; skipped: number };
    assert.deepEqual([r.skipped, r.predicted + r.unreadable], [20, 31]);
    const resumed = readFileSync(out, 'utf8').trim().split('\n');
    assert.deepEqual(new Set(resumed.slice(1).map((l) => l.split(',')[0])), new Set(rows.slice(1).map((l) => l.split(',')[0])));
    assert.equal(resumed.length, 52);
    // the same predictions as the uninterrupted run (libvips's wording of a decoding error varies from run to run)
    const gist = (lines: string[]): string[] => lines.map((l) => l.replace(/(torn\.jpg: corrupt or truncated image header).*/, '$1')).sort();
    assert.deepEqual(gist(resumed), gist(rows));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
