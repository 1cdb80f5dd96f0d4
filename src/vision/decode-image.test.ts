// decodeImage's real work happens in a browser (web/e2e/decode-image.test.ts
// compares it with sharp in Chromium); here: what Node users are told.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FoveaError } from '../errors.js';
import { decodeImage } from './decode-image.js';

test('decodeImage checks its options like loadImageFile and, in Node, says to use loadImageFile', async () => {
  await assert.rejects(decodeImage(new Uint8Array(4), { channels: 2 as 3 }), /decodeImage: channels is 2; expected 1 or 3/);
  await assert.rejects(decodeImage(new Uint8Array(4), { channels: 3, size: [0, 4] }), /decodeImage: size is \[0, 4\]/);
  await assert.rejects(decodeImage(new Uint8Array(4), { channels: 3, maxPixels: -1 }), /maxPixels is -1/);
  await assert.rejects(decodeImage(new Uint8Array(4), { channels: 3 }), (e: unknown) => e instanceof FoveaError && /needs a browser.*loadImageFile from fovea\/node/.test(e.message));
});
