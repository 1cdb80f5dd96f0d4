import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ImageError } from './image-error.js';
import { loadImageFile } from './image-file.js';
import { writePng } from './write-png.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-png-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('writePng writes 1- and 3-channel PNGs that load back byte for byte', async () => {
  const gray = { width: 3, height: 2, channels: 1 as const, data: new Uint8Array([0, 50, 100, 150, 200, 255]) };
  await writePng(join(tmp, 'gray.png'), gray);
  assert.deepEqual(await loadImageFile(join(tmp, 'gray.png'), { channels: 1 }), gray);
  const rgb = { width: 2, height: 1, channels: 3 as const, data: new Uint8Array([255, 0, 10, 1, 2, 3]) };
  await writePng(join(tmp, 'rgb.png'), rgb);
  assert.deepEqual(await loadImageFile(join(tmp, 'rgb.png'), { channels: 3 }), rgb);
});

test('writePng refuses bad images and reports write failures as ImageError naming the file, leaving nothing behind', async () => {
  const bad = { width: 2, height: 2, channels: 1 as const, data: new Uint8Array(3) };
  await assert.rejects(writePng(join(tmp, 'bad.png'), bad), (e: unknown) => e instanceof ImageError && /bad\.png: image data holds 3 bytes but 2 x 2 x 1/.test(e.message));
  await assert.rejects(writePng(join(tmp, 'empty.png'), { width: 0, height: 0, channels: 1, data: new Uint8Array(0) }), /0 x 0 pixels/);
  const missing = join(tmp, 'no-such-dir', 'x.png');
  await assert.rejects(writePng(missing, { width: 1, height: 1, channels: 1, data: new Uint8Array(1) }),
    (e: unknown) => e instanceof ImageError && e.file === missing && /does not exist/.test(e.message));
  assert.ok(!existsSync(join(tmp, 'bad.png')));
  // An existing file survives a failed write untouched (no half-written PNG).
  const keep = join(tmp, 'keep.png');
  writeFileSync(keep, 'old');
  if (process.getuid?.() !== 0) {
    chmodSync(tmp, 0o500);
    try {
      await assert.rejects(writePng(keep, { width: 1, height: 1, channels: 1, data: new Uint8Array(1) }), ImageError);
    } finally {
      chmodSync(tmp, 0o700);
    }
  }
  assert.deepEqual(readdirSync(tmp).filter((f) => f.endsWith('.tmp')), []);
});
