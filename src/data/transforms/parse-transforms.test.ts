import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../errors.js';
import { Generator } from '../../util/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';
import { affineImage } from './affine.js';
import { parseSteps, parseTransforms } from './parse-transforms.js';
import { affineSampler } from './random-affine.js';

const img: ImageF32 = { channels: 3, height: 10, width: 12, data: Float32Array.from({ length: 360 }, (_, i) => (i % 17) / 16) };
const size = { height: 10, width: 12 };

test('parseSteps reads names, values and KEY=VALUE pairs continued after commas', () => {
  assert.deepEqual(parseSteps('hflip,rotate:20,affine:translate=0.1,scale=0.9-1.1,crop:4,jitter'), [
    { name: 'hflip', args: {} },
    { name: 'rotate', value: '20', args: {} },
    { name: 'affine', args: { translate: '0.1', scale: '0.9-1.1' } },
    { name: 'crop', value: '4', args: {} },
    { name: 'jitter', args: {} },
  ]);
  assert.deepEqual(parseSteps('jitter:brightness=0.3:hue=0.05'), [{ name: 'jitter', args: { brightness: '0.3', hue: '0.05' } }]);
});

test('every step builds and keeps the image size; the whole list is deterministic under a seed', () => {
  const { transform, steps } = parseTransforms('hflip,vflip:0.2,rotate:-10-20,affine,crop:2,resized-crop:0.5-1,jitter:0.1,gray', size);
  assert.equal(steps.length, 8);
  const a = transform(img, new Generator(3));
  assert.deepEqual([a.channels, a.height, a.width], [3, 10, 12]);
  assert.deepEqual(a, transform(img, new Generator(3)));
  assert.deepEqual(a.data.subarray(0, 120), a.data.subarray(120, 240)); // gray keeps 3 equal channels
});

test('affine keys replace the defaults: only the given parameters are drawn', () => {
  const { transform } = parseTransforms('affine:translate=0.25', size);
  const draw = affineSampler({ degrees: 0, translate: [0.25, 0.25] })(10, 12, new Generator(8));
  assert.deepEqual(transform(img, new Generator(8)), affineImage(img, { ...draw, fill: 0 }));
  parseTransforms('affine:degrees=5,translate=0.1x0.2,scale=0.9-1.1,shear=-3-3,fill=0.5', size);
});

test('bad lists are refused with the step and the reason', () => {
  const bad: [string, RegExp][] = [
    ['hflip,,rotate', /empty step/],
    ['blur', /unknown step 'blur'; known: hflip, vflip, rotate, affine, crop, resized-crop, jitter, gray/],
    ['rotate:ten', /step 'rotate:ten': degrees is 'ten'; expected a number or a range/],
    ['affine:zoom=2', /unknown key 'zoom'; 'affine' takes degrees, translate, scale, shear, fill/],
    ['scale=0.9-1.1', /has no step before it/],
    ['hflip:2', /p is 2; expected a probability/],
    ['resized-crop:1', /scale is '1'; expected a range MIN-MAX/],
    ['rotate:20-10', /minimum above its maximum/],
    ['gray:1', /'gray' takes no value/],
    ['crop:4:mode=wrap', /mode is 'wrap'/],
  ];
  for (const [spec, re] of bad) {
    assert.throws(() => parseTransforms(spec, size), (e: unknown) => e instanceof ValueError && e.message.startsWith(`augmentation list '${spec}'`) && re.test(e.message), spec);
  }
});
