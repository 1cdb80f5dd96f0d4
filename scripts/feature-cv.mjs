#!/usr/bin/env node
/**
 * K-fold cross-validated accuracy of a linear head on frozen features
 * concatenated from several backbones (and several depths of one), over a
 * whole image folder: how far pretrained features can carry a small data
 * set. Features go through the on-disk feature cache (fovea train's), so a
 * second run of the same backbone skips it.
 *
 *   npm run build
 *   node scripts/feature-cv.mjs --data ../shared/data/flowers \
 *     --backbone 'nsfwjs:mobilenet_v2_mid' --backbone 'nsfwjs:inception_v3@299'
 *
 * A backbone is SOURCE[@SIZE][#CUT,CUT...]: any source `fovea train --backbone`
 * takes, the square input size (default: the backbone's own), and graph value
 * names to cut at (default: before its classifier head).
 * Prints one JSON line with the pooled accuracy and each fold's.
 */
import { parseArgs } from 'node:util';
import { configureBackend, crossValidate, cutBackbone, extractFeatures, manualSeed, trainHead } from '../dist/index.js';
import { cachedFeatures, defaultFeatureCacheDir, loadAnyModel, loadImageFolder } from '../dist/node.js';
import { DataLoader } from '../dist/data/data-loader.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' }, backbone: { type: 'string', multiple: true }, folds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' }, epochs: { type: 'string', default: '40' }, lr: { type: 'string', default: '0.0003' },
    'weight-decay': { type: 'string', default: '0.01' }, dropout: { type: 'string', default: '0.5' }, threads: { type: 'string' },
  },
});
if (!values.data || !values.backbone?.length) {
  console.error('usage: node scripts/feature-cv.mjs --data DIR --backbone SOURCE[@SIZE][#CUT,...] [--backbone ...]');
  process.exit(2);
}
configureBackend(values.threads ? { threads: Number(values.threads) } : {});
const seed = Number(values.seed);
const sets = [];
let classNames;
for (const spec of values.backbone) {
  const m = /^(.*?)(?:@(\d+))?(?:#(.+))?$/.exec(spec);
  const [, source, size, cut] = m;
  const { model, meta } = loadAnyModel(source);
  const inputShape = [meta.inputShape[0], Number(size ?? meta.inputShape[1]), Number(size ?? meta.inputShape[2])];
  const { model: backbone, features } = cutBackbone(model, inputShape, cut ? { at: cut } : {});
  const { dataset } = await loadImageFolder(values.data, { size: [inputShape[1], inputShape[2]], channels: inputShape[0], fit: 'cover' });
  classNames = dataset.classNames;
  backbone.requiresGrad_(false);
  const t0 = performance.now();
  const { set, hit } = await cachedFeatures(defaultFeatureCacheDir(), { model: backbone, images: dataset, normalize: meta.normalize, views: 1 }, () =>
    extractFeatures(backbone, new DataLoader(dataset, { batchSize: 16, normalize: meta.normalize }), dataset.length));
  console.error(`${spec}: ${features} features of ${dataset.length} images, ${hit ? 'from the cache' : 'computed'} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  sets.push(set);
}
const n = sets[0].length, dim = sets.reduce((a, s) => a + s.dim, 0);
const features = new Float32Array(n * dim);
for (let i = 0; i < n; i++) {
  let o = i * dim;
  for (const s of sets) {
    features.set(s.features.subarray(i * s.dim, (i + 1) * s.dim), o);
    o += s.dim;
  }
}
manualSeed(seed);
const folds = Number(values.folds);
const cv = await crossValidate({ features, labels: sets[0].labels, length: n, dim, shape: [dim], views: 1 }, folds, seed, async (train, test, f) => {
  const { test: e } = await trainHead(train, {
    optimizer: 'adam', lr: Number(values.lr), momentum: 0.9, weightDecay: Number(values['weight-decay']), epochs: Number(values.epochs), batchSize: 32,
    schedule: 'cosine', labelSmoothing: 0, seed: seed + f, numClasses: classNames.length, dropout: Number(values.dropout), test,
  });
  return Math.round(e.accuracy * e.count);
});
console.log(JSON.stringify({
  backbones: values.backbone, features: dim, images: n, folds, accuracy: Number(cv.accuracy.toFixed(4)),
  foldAccuracies: cv.folds.map((f) => Number(f.accuracy.toFixed(4))), mean: Number(cv.mean.toFixed(4)), std: Number(cv.std.toFixed(4)),
}));
