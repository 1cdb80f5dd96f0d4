// Every deterministic transform against torchvision's own output
// (test/fixtures/golden/transforms.json, made by scripts/gen-torchvision-golden.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ImageF32 } from '../../vision/image-f32.js';
import { affineImage, rotateImage } from './affine.js';
import { centerCrop } from './center-crop.js';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './color.js';
import { cropImage, padImage, type PaddingMode } from './geometry.js';
import { resize, type Interpolation } from './resize.js';
import { Generator } from '../../util/random.js';

interface T { shape: number[]; data: number[] }
interface Case { name: string; op: string; args: Record<string, unknown>; input: string; output: T }

const file = fileURLToPath(new URL('../../../test/fixtures/golden/transforms.json', import.meta.url));
const { inputs, cases } = JSON.parse(readFileSync(file, 'utf8')) as { inputs: Record<string, T>; cases: Case[] };

const image = (t: T): ImageF32 => ({ channels: t.shape[0]!, height: t.shape[1]!, width: t.shape[2]!, data: Float32Array.from(t.data) });
const rng = new Generator(0);

function run(c: Case): ImageF32 {
  const x = image(inputs[c.input]!);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture arguments, checked by the comparison
  const a = c.args as Record<string, any>;
  switch (c.op) {
    case 'resize': return resize(a['size'], { interpolation: (a['interpolation'] ?? 'bilinear') as Interpolation })(x, rng);
    case 'affine': return affineImage(x, { angle: a['angle'], translate: a['translate'], scale: a['scale'], shear: a['shear'], interpolation: a['interpolation'], ...(a['fill'] ? { fill: a['fill'] } : {}) });
    case 'rotate': return rotateImage(x, a['angle'], { interpolation: a['interpolation'], fill: a['fill'], ...(a['center'] ? { center: a['center'] } : {}) });
    case 'center_crop': return centerCrop(a['size'])(x, rng);
    case 'crop': return cropImage(x, a['top'], a['left'], a['height'], a['width']);
    case 'pad': return padImage(x, a['padding'], a['fill'], a['mode'] as PaddingMode);
    case 'adjust_brightness': return adjustBrightness(x, a['factor']);
    case 'adjust_contrast': return adjustContrast(x, a['factor']);
    case 'adjust_saturation': return adjustSaturation(x, a['factor']);
    case 'adjust_hue': return adjustHue(x, a['factor']);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

test('the golden file covers every transform op', () => {
  const ops = new Set(cases.map((c) => c.op));
  for (const op of ['resize', 'affine', 'rotate', 'center_crop', 'crop', 'pad', 'adjust_brightness', 'adjust_contrast', 'adjust_saturation', 'adjust_hue']) assert.ok(ops.has(op), op);
});

for (const c of cases) {
  test(`torchvision golden: ${c.name}`, () => {
    const out = run(c);
    assert.deepEqual([out.channels, out.height, out.width], c.output.shape);
    // Contrast and saturation use luma 0.299 R (OpenCV/PIL) where torchvision uses 0.2989: up to 1e-4 apart.
    const tol = c.op === 'adjust_contrast' || c.op === 'adjust_saturation' ? 2e-4 : 2e-5;
    let worst = 0;
    let at = -1;
    c.output.data.forEach((v, i) => {
      const d = Math.abs(out.data[i]! - v);
      if (d > worst) [worst, at] = [d, i];
    });
    assert.ok(worst <= tol, `max |diff| ${worst} at ${at}: got ${out.data[at]}, torchvision ${c.output.data[at]}`);
  });
}
