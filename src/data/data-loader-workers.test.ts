import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ValueError } from '../errors.js';
import type { Batch } from './batch-source.js';
import { nodeBatchWorkerSpawner, type SpawnBatchWorker } from './batch-worker-pool.js';
import { DataLoaderWorkerError } from './data-loader-worker-error.js';
import { DataLoader, type DataLoaderOptions } from './data-loader.js';
import { ImageDataset } from './dataset.js';
import { openImageFolder } from './image-file-dataset.js';
import { loadImageFolder } from './image-folder.js';
import { compose } from './transforms/compose.js';
import { parseTransforms } from './transforms/parse-transforms.js';
import { randomHorizontalFlip } from './transforms/random-horizontal-flip.js';

/** 23 RGB images 16x16 whose bytes vary with position, 4 classes. */
function dataset(): ImageDataset {
  const n = 23;
  const images = Uint8Array.from({ length: n * 768 }, (_, i) => (i * 37 + (i >> 5)) % 256);
  return new ImageDataset(images, Int32Array.from({ length: n }, (_, i) => i % 4), [3, 16, 16], ['a', 'b', 'c', 'd']);
}
const normalize = { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] };
const augment = parseTransforms('hflip,rotate:15,crop', { height: 16, width: 16 }).transform;

/** An epoch's batches as plain arrays (copied at once: worker batches live in a reused ring). */
async function collect(batches: AsyncIterable<Batch>): Promise<{ x: number[]; shape: readonly number[]; y: number[]; indices: number[] }[]> {
  const out = [];
  for await (const b of batches) out.push({ x: Array.from(b.x.data), shape: b.x.shape, y: Array.from(b.y), indices: Array.from(b.indices) });
  return out;
}

/** Node's spawner, counting the workers started and exited. */
function countingSpawner(): { spawn: SpawnBatchWorker; started: number; stopped: number } {
  const base = nodeBatchWorkerSpawner()!;
  const counts: { spawn: SpawnBatchWorker; started: number; stopped: number } = { started: 0, stopped: 0, spawn: (init, events) => {
    counts.started++;
    return base(init, { ...events, exit: (code) => (counts.stopped++, events.exit(code)) });
  } };
  return counts;
}

test('numWorkers 2 gives the very batches of numWorkers 0 (x, y, indices), epoch after epoch, under a seed', async () => {
  const make = (numWorkers: number): DataLoader => new DataLoader(dataset(), { batchSize: 4, shuffle: true, seed: 7, normalize, transform: augment, numWorkers });
  const inProcess = make(0), workers = make(2);
  for (let epoch = 0; epoch < 2; epoch++) {
    const a = await collect(inProcess.batches());
    const b = await collect(workers.batches());
    assert.equal(a.length, 6);
    assert.deepEqual(b, a, `epoch ${epoch}`);
    assert.deepEqual(a[5]!.shape, [3, 3, 16, 16], 'the last batch is the remainder');
  }
  // and the same as the synchronous iteration of before
  const sync = make(0);
  assert.deepEqual([...sync].map((b) => Array.from(b.x.data)), (await collect(make(2).batches())).map((b) => b.x));
});

test('batches(k) with workers resumes mid-epoch: the tail of the full epoch, the same generator state after', async () => {
  const make = (numWorkers: number): DataLoader => new DataLoader(dataset(), { batchSize: 5, shuffle: true, seed: 4, normalize, transform: augment, numWorkers, prefetchFactor: 1 });
  const full = make(0), part = make(2);
  const whole = await collect(full.batches());
  const tail = await collect(part.batches(2));
  assert.deepEqual(tail, whole.slice(2));
  assert.deepEqual(part.generator.getState(), full.generator.getState());
  assert.deepEqual(await collect(part.batches()), await collect(full.batches()), 'the next epoch is the same too');
});

test('workers without a transform normalise exactly as this thread does; batches live in one reused shared ring', async () => {
  const loader = new DataLoader(dataset(), { batchSize: 2, normalize, numWorkers: 1, prefetchFactor: 2 });
  const rings = new Set<ArrayBufferLike>();
  const got = [];
  for await (const b of loader.batches()) {
    rings.add(b.x.data.buffer);
    got.push(Array.from(b.x.data));
  }
  assert.equal(got.length, 12);
  assert.equal(rings.size, 1, 'every batch is a view of the same ring');
  assert.ok([...rings][0] instanceof SharedArrayBuffer);
  assert.equal([...rings][0]!.byteLength, 3 * 2 * 768 * 4, 'numWorkers * prefetchFactor + 1 slots of one batch');
  assert.deepEqual(got, [...new DataLoader(dataset(), { batchSize: 2, normalize })].map((b) => Array.from(b.x.data)));
});

test('a transform without a spec, or a synchronous loop over workers, is refused with what to do', async () => {
  assert.throws(() => new DataLoader(dataset(), { transform: (img) => img, numWorkers: 2 }),
    (e: unknown) => e instanceof ValueError && /plain function, which cannot be sent to a worker thread.*parseTransforms/.test(e.message));
  assert.throws(() => new DataLoader(dataset(), { transform: compose(randomHorizontalFlip(), (img) => img), numWorkers: 1 }), /plain function/);
  assert.throws(() => [...new DataLoader(dataset(), { numWorkers: 1 })], /asynchronously: iterate with `for await/);
  for (const bad of [{ numWorkers: -1 }, { numWorkers: 1.5 }, { numWorkers: 1, prefetchFactor: 0 }] as DataLoaderOptions[]) {
    assert.throws(() => new DataLoader(dataset(), bad), ValueError);
  }
});

test('workers stop at the end of an epoch, when the loop is left early, and on close() when persistent', async () => {
  const c = countingSpawner();
  const loader = new DataLoader(dataset(), { batchSize: 4, transform: augment, numWorkers: 2, spawn: c.spawn });
  await collect(loader.batches());
  assert.deepEqual([c.started, c.stopped], [2, 2]);
  for await (const b of loader.batches()) {
    assert.equal(b.x.shape[0], 4);
    break;
  }
  assert.deepEqual([c.started, c.stopped], [4, 4]);
  const p = countingSpawner();
  const persistent = new DataLoader(dataset(), { batchSize: 4, transform: augment, numWorkers: 2, persistentWorkers: true, spawn: p.spawn });
  await collect(persistent.batches());
  await collect(persistent.batches());
  assert.deepEqual([p.started, p.stopped], [2, 0], 'the same two workers serve both epochs');
  await persistent.close();
  assert.deepEqual([p.started, p.stopped], [2, 2]);
});

test('idle persistent workers do not keep the process alive', () => {
  const script = `
    import { DataLoader, ImageDataset, parseTransforms } from ${JSON.stringify(new URL('../index.js', import.meta.url).href)};
    const ds = new ImageDataset(new Uint8Array(10 * 48), new Int32Array(10), [3, 4, 4], ['a']);
    const transform = parseTransforms('hflip', { height: 4, width: 4 }).transform;
    const loader = new DataLoader(ds, { batchSize: 3, transform, numWorkers: 2, persistentWorkers: true });
    let n = 0;
    for await (const b of loader.batches()) n += b.y.length;
    console.log('done', n);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.signal, null, 'the process hung (killed by the timeout)');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'done 10');
});

test('a lazily decoded image folder: workers decode with sharp, batches equal in-process ones and the eager folder', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-lazy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [cls, n] of [['cat', 4], ['dog', 3]] as const) {
    mkdirSync(join(dir, cls));
    for (let i = 0; i < n; i++) {
      const raw = Buffer.from(Uint8Array.from({ length: 20 * 30 * 3 }, (_, k) => (k * (i + 3) + (cls === 'dog' ? 90 : 0)) % 256));
      await sharp(raw, { raw: { width: 30, height: 20, channels: 3 } }).png().toFile(join(dir, cls, `${i}.png`));
    }
  }
  const lazy = await openImageFolder(dir, { size: [12, 12] });
  assert.deepEqual([lazy.length, lazy.classNames, Array.from(lazy.labels)], [7, ['cat', 'dog'], [0, 0, 0, 0, 1, 1, 1]]);
  const transform = parseTransforms('hflip,crop:2', { height: 12, width: 12 }).transform;
  const opts = { batchSize: 3, shuffle: true, seed: 2, transform, normalize };
  const inProcess = await collect(new DataLoader(lazy, opts).batches());
  const workers = await collect(new DataLoader(lazy, { ...opts, numWorkers: 2 }).batches());
  const eager = await collect(new DataLoader((await loadImageFolder(dir, { size: [12, 12] })).dataset, opts).batches());
  assert.deepEqual(workers, inProcess);
  assert.deepEqual(eager, inProcess);
  assert.throws(() => [...new DataLoader(lazy, opts)], /decodes its images when asked/);
});

test("a worker's exception fails the batch with the sample's index and the reason; earlier batches still come", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const cls of ['a', 'b']) {
    mkdirSync(join(dir, cls));
    // distinct images: copies of one image are kept once (dropDuplicateImages)
    for (let i = 0; i < 3; i++) await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 120 + i, g: cls === 'a' ? 0 : 60, b: 128 } } }).png().toFile(join(dir, cls, `${i}.png`));
  }
  writeFileSync(join(dir, 'b', '1.png'), 'not a picture at all'); // sample 4
  const loader = new DataLoader(await openImageFolder(dir, { size: [8, 8] }), { batchSize: 2, numWorkers: 2 });
  const seen: number[] = [];
  const err = await (async () => {
    for await (const b of loader.batches()) seen.push(...b.indices);
  })().then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DataLoaderWorkerError, String(err));
  assert.equal(err.index, 4);
  assert.match(err.message, /^DataLoader worker \d: sample 4 \(position 4 of the epoch, batch 2\) failed: ImageError: .*1\.png: not a supported image/);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  // the loader recovers: a fresh pool for the next epoch, which fails at the same sample again
  await assert.rejects(collect(loader.batches()), /sample 4/);
});

test('the worker script exists beside the loader (a build that forgot it fails here, not in a user run)', () => {
  const file = fileURLToPath(new URL('./batch-worker.js', import.meta.url));
  const r = spawnSync(process.execPath, ['--check', file]);
  assert.equal(r.status, 0);
});

test('a worker that dies fails the batches it had with a clear error (an injected spawner drives the pool)', async () => {
  let spawned = 0;
  const spawn: SpawnBatchWorker = (init, events) => {
    spawned++;
    assert.ok(init.ring instanceof SharedArrayBuffer && init.source.kind === 'bytes' && init.source.images.buffer instanceof SharedArrayBuffer);
    return {
      // answers job 0, then "crashes" on job 1
      postMessage: (m) => setTimeout(() => ('job' in m && m.job === 0 ? events.message({ job: 0, ok: true }) : events.exit(3)), 5),
      terminate: () => {}, ref: () => {}, unref: () => {},
    };
  };
  const loader = new DataLoader(dataset(), { batchSize: 10, numWorkers: 1, prefetchFactor: 1, spawn });
  const got: number[] = [];
  const err = await (async () => {
    for await (const b of loader.batches()) got.push(b.y.length);
  })().then(() => null, (e: unknown) => e);
  assert.deepEqual(got, [10]);
  assert.ok(err instanceof DataLoaderWorkerError, String(err));
  assert.equal(err.index, -1);
  assert.match(err.message, /^DataLoader worker 0 stopped while building batch 1: exited with code 3/);
  assert.equal(spawned, 1);
});

test('close() while an epoch is being iterated ends it with an error instead of a hang', async () => {
  const loader = new DataLoader(dataset(), { batchSize: 2, transform: augment, numWorkers: 1, prefetchFactor: 1 });
  let n = 0;
  await assert.rejects(async () => {
    for await (const b of loader.batches()) {
      if (++n === 2) await loader.close();
      assert.equal(b.y.length, 2);
    }
  }, /worker threads were closed/);
  assert.equal(n, 2);
  assert.equal((await collect(loader.batches())).length, 12, 'the next epoch starts new workers');
});
