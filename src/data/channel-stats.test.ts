import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelStats } from './channel-stats.js';
import { ImageDataset } from './dataset.js';

test('channelStats gives each channel\'s mean and population std on the [0, 1] scale', () => {
  // 2 images, 2 channels, 1x2 pixels: channel 0 = {0, 255, 255, 0}, channel 1 = all 51.
  const ds = new ImageDataset(new Uint8Array([0, 255, 51, 51, 255, 0, 51, 51]), Int32Array.of(0, 1), [2, 1, 2], ['a', 'b']);
  assert.deepEqual(channelStats(ds), { mean: [0.5, 0.2], std: [0.5, 1] }); // constant channel: std 1, never 0
  assert.throws(() => channelStats(new ImageDataset(new Uint8Array(0), new Int32Array(0), [1, 2, 2], [])), /no pixels/);
});
