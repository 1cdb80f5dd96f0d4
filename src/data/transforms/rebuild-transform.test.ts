import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../errors.js';
import { Generator } from '../../util/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';
import { centerCrop } from './center-crop.js';
import { colorJitter } from './color-jitter.js';
import { compose } from './compose.js';
import { grayscale } from './grayscale.js';
import { normalize } from './normalize.js';
import { parseTransforms } from './parse-transforms.js';
import { randomAffine } from './random-affine.js';
import { randomCrop } from './random-crop.js';
import { randomHorizontalFlip } from './random-horizontal-flip.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { randomRotation } from './random-rotation.js';
import { randomVerticalFlip } from './random-vertical-flip.js';
import { rebuildTransform } from './rebuild-transform.js';
import { resize } from './resize.js';
import type { Transform } from './transform.js';

const img: ImageF32 = { channels: 3, height: 12, width: 10, data: Float32Array.from({ length: 360 }, (_, i) => ((i * 7) % 23) / 22) };

test('every factory spec, sent as JSON, rebuilds a transform with the same outputs under the same seed', () => {
  const all: Transform[] = [
    randomHorizontalFlip(0.7), randomVerticalFlip(), normalize([0.5], [0.25]), grayscale(3), centerCrop([8, 6]), resize([6, 5]),
    randomCrop(10, { padding: 2, paddingMode: 'reflect' }), randomRotation([-20, 30], { fill: 0.5 }),
    randomAffine({ degrees: 10, translate: [0.1, 0.2], scale: [0.9, 1.1], shear: 5 }), randomResizedCrop(8, { scale: [0.5, 1] }),
    colorJitter({ brightness: 0.3, hue: 0.1 }),
    compose(randomHorizontalFlip(), randomRotation(15), colorJitter({ contrast: 0.2 })),
    parseTransforms('hflip,rotate:15,affine:translate=0.1,crop:2,jitter,gray', { height: 12, width: 10 }).transform,
  ];
  for (const t of all) {
    assert.ok(t.spec, 'has a spec');
    const copy = rebuildTransform(JSON.parse(JSON.stringify(t.spec)));
    for (const seed of [1, 2, 3]) assert.deepEqual(copy(img, new Generator(seed)), t(img, new Generator(seed)), `${t.spec.name} seed ${seed}`);
  }
  assert.deepEqual(parseTransforms('hflip,crop:4', { height: 32, width: 32 }).transform.spec, { name: 'parseTransforms', args: ['hflip,crop:4', { height: 32, width: 32 }] });
});

test('a spec is a snapshot of the arguments; a chain with a plain function has none; bad specs are refused', () => {
  const options = { padding: 2 };
  const t = randomCrop(10, options);
  options.padding = 5;
  assert.deepEqual(t.spec, { name: 'randomCrop', args: [10, { padding: 2 }] });
  assert.equal(compose(randomHorizontalFlip(), (x: ImageF32) => x).spec, undefined);
  assert.throws(() => rebuildTransform({ name: 'blur', args: [] }), (e: unknown) => e instanceof ValueError && /no transform factory named 'blur'; known: compose, parseTransforms/.test(e.message));
  assert.throws(() => rebuildTransform({ name: 'constructor', args: [] }), /no transform factory named 'constructor'/);
  assert.throws(() => rebuildTransform('hflip' as never), /expected a spec \{ name, args \}/);
});
