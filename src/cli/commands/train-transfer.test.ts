// `fovea train --backbone ...` (transfer learning) and `fovea predict --chart`, as a user runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { loadModel, saveModel } from '../../io/model-file-node.js';
import { classic } from '../../nn/models.js';
import { manualSeed } from '../../util/random.js';
import { sharedDataDir } from '../../testing/shared-data.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-transfer-'));
const folder = join(dir, 'shapes');
const backbone = join(dir, 'backbone.fovea');

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  // FOVEA_CACHE: the features kept between runs go to this test's folder, not the user's ~/.cache.
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, FOVEA_THREADS: '1', FOVEA_CACHE: join(dir, 'cache') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Three classes of 24x24 colour pictures: a red disc, a green bar, blue noise, at random places.
async function makeFolder(): Promise<void> {
  let seed = 7;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const [ci, cls] of ['disc', 'bar', 'noise'].entries()) {
    mkdirSync(join(folder, cls), { recursive: true });
    for (let k = 0; k < 12; k++) {
      const px = Buffer.alloc(24 * 24 * 3);
      const cx = 6 + rnd() * 12, cy = 6 + rnd() * 12;
      for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) {
        const o = (y * 24 + x) * 3;
        const inside = ci === 0 ? (x - cx) ** 2 + (y - cy) ** 2 < 25 : ci === 1 ? Math.abs(x - cx) < 2 : rnd() < 0.3;
        px[o + ci] = inside ? 230 : 20 + Math.floor(rnd() * 30);
      }
      await sharp(px, { raw: { width: 24, height: 24, channels: 3 } }).png().toFile(join(folder, cls, `${k}.png`));
    }
  }
  manualSeed(1);
  await saveModel(backbone, classic({ inputShape: [3, 24, 24], numClasses: 10 }), { inputShape: [3, 24, 24], normalize: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, classNames: [...'0123456789'] });
}
const ready = makeFolder();

test('a frozen backbone: features cached once, a new head trained, the whole model saved and usable by predict --chart', async () => {
  await ready;
  const out = join(dir, 'frozen.fovea');
  const r = fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--epochs', '8', '--split', '50/25/25', '--optimizer', 'adam', '--lr', '0.01', '--out', out, '--no-report', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.mode, 'frozen backbone');
  assert.equal(j.features, 32 * 6 * 6);
  assert.deepEqual(j.removed, ['classifier.1']);
  assert.deepEqual(j.classNames, ['bar', 'disc', 'noise']);
  assert.deepEqual(j.normalize, { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, "the backbone's normalisation, not the folder's");
  assert.equal(j.history.length, 8);
  assert.ok(j.test.accuracy >= 0.66, `test accuracy ${j.test.accuracy} on an easy 3-class task`);
  assert.match(r.stderr, /cached 1152-float features of 36 images/);
  const { model, meta } = loadModel(out);
  assert.deepEqual(meta.inputShape, [3, 24, 24]);
  assert.deepEqual(model.outputShape([1, 3, 24, 24]), [1, 3]);
  assert.deepEqual([...model.namedChildren()].map(([n]) => n), ['backbone', 'head']);
  assert.ok(model.parameters().every((p) => p.requiresGrad), 'saved unfrozen');

  const chart = join(dir, 'disc.top3.png');
  const p = fovea('predict', out, join(folder, 'disc', '0.png'), '--top', '3', '--chart', chart, '--json');
  assert.equal(p.code, 0, p.stderr);
  const pj = JSON.parse(p.stdout);
  assert.equal(pj.results[0].top.length, 3);
  assert.equal(pj.results[0].chart, chart);
  const img = await sharp(chart).stats();
  const metaPng = await sharp(chart).metadata();
  assert.ok(metaPng.width! > metaPng.height!, 'photo beside the chart');
  assert.ok(img.channels.some((c) => c.stdev > 10), 'not blank');

  // A second run reads the features from the disk cache: the backbone does not run, the result is the same.
  const again = fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--epochs', '8', '--split', '50/25/25', '--optimizer', 'adam', '--lr', '0.01', '--out', join(dir, 'frozen2.fovea'), '--no-report', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /features of 36 images read from the feature cache .*cache[\\/]features/);
  assert.deepEqual(JSON.parse(again.stdout).test, j.test);
  const off = fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--epochs', '1', '--split', '50/25/25', '--out', join(dir, 'frozen3.fovea'), '--no-report', '--feature-cache', 'off');
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /cached 1152-float features of 36 images/);
  assert.doesNotMatch(off.stdout, /kept in/);
});

test('--cross-validate K: every image tested once by a head that never saw it; no model written; wrong combinations refused', async () => {
  await ready;
  const r = fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--cross-validate', '3', '--epochs', '8', '--optimizer', 'adam', '--lr', '0.01', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { mode: string; folds: { count: number; correct: number }[]; accuracy: number; images: number };
  assert.equal(j.mode, 'cross-validation');
  assert.equal(j.folds.length, 3);
  assert.equal(j.folds.reduce((n, f) => n + f.count, 0), 36, 'each of the 36 images tested once');
  assert.equal(j.accuracy, j.folds.reduce((n, f) => n + f.correct, 0) / 36);
  assert.ok(j.accuracy > 0.5, `cross-validated accuracy ${j.accuracy} on an easy 3-class task`);
  assert.match(r.stderr, /3-fold cross-validated accuracy .* over all 36 images .*no model written/);
  assert.match(fovea('train', '--data', folder, '--backbone', backbone, '--cross-validate', '3').stderr, /--cross-validate trains heads on cached features: add --freeze-backbone/);
  assert.match(fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--cross-validate', '3', '--split', '80/20').stderr, /--split does not go with --cross-validate/);
  assert.match(fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--cross-validate', '1').stderr, /--cross-validate: expected an integer from 2 to 100, got '1'/);
});

test('augmented views, then fine-tuning the whole network', async () => {
  await ready;
  const r = fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--augment', 'hflip', '--feature-views', '2',
    '--fine-tune', '1', '--epochs', '2', '--split', '50/25/25', '--out', join(dir, 'ft.fovea'), '--no-report', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.mode, 'frozen backbone, then fine-tuned');
  assert.equal(j.history.length, 3);
  assert.equal(j.fineTuneHistory.length, 1);
  assert.match(r.stderr, /features of 54 images/, '18 training images x 2 views + 9 validation + 9 test');
});

test('--fine-tune-from: the layers up to it stay as pretrained, the rest and the head are fine-tuned on cached maps', async () => {
  await ready;
  const out = join(dir, 'ftf.fovea');
  const r = fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--epochs', '2', '--fine-tune', '2', '--fine-tune-from', 'features.4',
    '--split', '50/25/25', '--out', out, '--no-report', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.fineTuneHistory.length, 2);
  assert.match(r.stderr, /cached 16x12x12 maps of 'features.4'/);
  assert.match(r.stderr, /fine-tuning the backbone after 'features.4' \(4,640 parameters\)/);
  const before = loadModel(backbone).model.stateDict();
  const after = loadModel(out).model.stateDict();
  const same = (a: string, b: string): boolean => after.get(a)!.toArray().every((x, i) => x === before.get(b)!.toArray()[i]);
  assert.ok(same('backbone.features.0.weight', 'features.0.weight') && same('backbone.features.2.bias', 'features.2.bias'), 'frozen part unchanged');
  assert.ok(!same('backbone.features.5.weight', 'features.5.weight'), 'the rest fine-tuned');
  const bad = fovea('train', '--data', folder, '--backbone', backbone, '--freeze-backbone', '--fine-tune-from', 'features.4', '--out', join(dir, 'never.fovea'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fine-tune-from goes with --fine-tune N/);
});

test('--from-scratch trains the same architecture from random weights', async () => {
  await ready;
  const r = fovea('train', '--data', folder, '--backbone', backbone, '--from-scratch', '--epochs', '1', '--split', '50/25/25', '--out', join(dir, 'scratch.fovea'), '--no-report', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).mode, 'from scratch');
  assert.match(r.stderr, /re-initialised 3 layers/);
});

test('transfer options are checked before any work', async () => {
  await ready;
  const bad = [
    [['--data', folder, '--freeze-backbone'], /--freeze-backbone applies to transfer learning/],
    [['--backbone', backbone], /needs --data DIR with an image folder/],
    [['--data', folder, '--backbone', join(dir, 'missing.fovea')], /no such file/],
    [['--data', folder, '--backbone', backbone, '--resume', 'x.ckpt'], /--resume cannot be combined with --backbone/],
    [['--data', folder, '--backbone', backbone, '--fine-tune', '2'], /--fine-tune follows head training/],
    [['--data', folder, '--backbone', backbone, '--freeze-backbone', '--feature-views', '2'], /--feature-views applies with --augment/],
  ] as const;
  for (const [args, message] of bad) {
    const r = fovea('train', ...args, '--out', join(dir, 'never.fovea'));
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(existsSync(join(dir, 'never.fovea')), false);
  }
});

const flowers = join(sharedDataDir(), 'flowers');
test('MobileNetV2 from the nsfwjs package as a frozen backbone on real flower photos', { skip: !existsSync(flowers) && `no ${flowers}` }, () => {
  // 12 photos per class keeps this to seconds; the full folder is the README's recipe.
  const small = join(dir, 'flowers-small');
  for (const cls of readdirSync(flowers, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    mkdirSync(join(small, cls), { recursive: true });
    for (const f of readdirSync(join(flowers, cls)).filter((n) => n.endsWith('.jpg')).sort().slice(0, 12)) copyFileSync(join(flowers, cls, f), join(small, cls, f));
  }
  const r = fovea('train', '--data', small, '--backbone', 'nsfwjs:mobilenet_v2', '--freeze-backbone', '--epochs', '30', '--optimizer', 'adam', '--lr', '0.001',
    '--split', '50/10/40', '--out', join(dir, 'flowers.fovea'), '--no-report', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.inputShape, [3, 224, 224]);
  assert.equal(j.features, 1280);
  assert.equal(j.test.count, 25);
  // Six photos per class teach the head the training photos, not flowers (the full folder's figures are in the README).
  const last = j.history[j.history.length - 1];
  assert.ok(last.trainAccuracy >= 0.9, `train accuracy ${last.trainAccuracy}`);
  // The saved model runs on a photo at full size.
  const photo = join(small, 'roses', readdirSync(join(small, 'roses')).sort()[0]!);
  const p = fovea('predict', join(dir, 'flowers.fovea'), photo, '--top', '5', '--json');
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).results[0].top.length, 5);

  // The README's first command: the TF Hub MobileNetV2 1.4 (a TF.js graph model), photos centre-cropped.
  const m = fovea('train', '--data', small, '--backbone', 'nsfwjs:mobilenet_v2_mid', '--freeze-backbone', '--fit', 'cover', '--epochs', '30', '--optimizer', 'adam',
    '--lr', '0.001', '--split', '50/10/40', '--out', join(dir, 'flowers-mid.fovea'), '--no-report', '--json');
  assert.equal(m.code, 0, m.stderr);
  const jm = JSON.parse(m.stdout);
  assert.equal(jm.features, 1792);
  assert.equal(jm.cutAt, 'sequential_keras_layer_predict_feature_vector_SpatialSqueeze');
  assert.equal(jm.fit, 'cover');
  assert.ok(jm.history[jm.history.length - 1].trainAccuracy >= 0.9);
  assert.equal(loadModel(join(dir, 'flowers-mid.fovea')).meta.fit, 'cover');
});
