/**
 * For tests: a small TF.js classifier saved the way Teachable Machine saves
 * one (model.json, one weight shard, metadata.json with labels and its
 * `x / 127 - 1` preprocessing), made with @tensorflow/tfjs (a dev dependency).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Writes the folder `dir/name` (16 x 16 RGB in, 3 classes 'cat', 'dog', 'bird' out) and returns it with the TF.js model. */
export async function tmFolder(dir: string, name: string): Promise<{ folder: string; model: tf.LayersModel }> {
  await tf.setBackend('cpu');
  const L = tf.layers;
  const model = tf.sequential({ layers: [
    L.conv2d({ name: 'c1', inputShape: [16, 16, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    L.maxPooling2d({ name: 'p1', poolSize: 2 }),
    L.flatten({ name: 'flat' }),
    L.dense({ name: 'probs', units: 3, activation: 'softmax' }),
  ] });
  const folder = join(dir, name);
  mkdirSync(folder);
  await model.save(tf.io.withSaveHandler(async (a) => {
    const data = new Uint8Array(a.weightData as ArrayBuffer);
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, format: a.format, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
    writeFileSync(join(folder, 'weights.bin'), data);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  writeFileSync(join(folder, 'metadata.json'), JSON.stringify({ tfjsVersion: '4.22.0', packageName: '@teachablemachine/image', labels: ['cat', 'dog', 'bird'], imageSize: 16 }));
  return { folder, model };
}
