// Prediction over many files: the same probabilities as one image at a time, unreadable files reported
// in place, bounded read-ahead (what keeps memory flat), and the output file's resume.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageFiles, globToRegExp } from '../data/image-files.js';
import type { ModelMeta } from '../io/model-file.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { noGrad } from '../tensor/grad-mode.js';
import { softmax } from '../tensor/ops/softmax.js';
import { manualSeed } from '../util/random.js';
import { loadModelInput } from '../vision/model-input-node.js';
import { writePng } from '../vision/write-png.js';
import { predictFiles, type FilePrediction } from './predict-files.js';
import { csvHeader, PredictionLog } from './prediction-log-node.js';

const dir = mkdtempSync(join(tmpdir(), 'fovea-predict-files-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

manualSeed(3);
const model = new Sequential(new Conv2d(3, 4, 3, { stride: 2 }), new Flatten(), new Linear(4 * 7 * 7, 4)).eval();
const meta: ModelMeta = { inputShape: [3, 16, 16], normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] }, classNames: ['a', 'b', 'c', 'd'], fit: 'cover' };

/** 40 small PNGs of varied sizes in two folders, a file that is no picture, a hidden file and a text file. */
async function makeFolder(): Promise<string> {
  const root = join(dir, 'photos');
  for (const sub of ['x', 'y']) mkdirSync(join(root, sub), { recursive: true });
  for (let i = 0; i < 40; i++) {
    const width = 12 + (i % 7), height = 10 + (i % 5);
    const data = Uint8Array.from({ length: width * height * 3 }, (_, p) => (p * 7 + i * 31) % 256);
    await writePng(join(root, i % 2 ? 'x' : 'y', `img${String(i).padStart(2, '0')}.png`), { width, height, channels: 3, data });
  }
  writeFileSync(join(root, 'x', 'broken.png'), 'not a png at all');
  writeFileSync(join(root, 'x', '.hidden.png'), 'skipped');
  writeFileSync(join(root, 'notes.txt'), 'skipped');
  return root;
}
const folder = makeFolder();

async function collect(it: AsyncIterable<FilePrediction[]>): Promise<FilePrediction[]> {
  const out: FilePrediction[] = [];
  for await (const b of it) out.push(...b);
  return out;
}

describe('imageFiles', () => {
  test('a folder: its images and unreadable-picture files, sorted, sub-folders included, hidden and other files left out', async () => {
    const root = await folder;
    const files: string[] = [];
    for await (const f of imageFiles([root])) files.push(f.slice(root.length + 1));
    assert.equal(files.length, 41);
    assert.deepEqual(files.slice(0, 3), ['x/broken.png', 'x/img01.png', 'x/img03.png']);
    assert.equal(files[21], 'y/img00.png');
  });

  test('glob patterns: *, ?, **, [..] and {..}; a pattern matching nothing is an error', async () => {
    const root = await folder;
    const list = async (p: string): Promise<string[]> => { const o: string[] = []; for await (const f of imageFiles([p])) o.push(f.slice(root.length + 1)); return o; };
    assert.equal((await list(`${root}/*/img*.png`)).length, 40);
    assert.deepEqual(await list(`${root}/**/img0[12].png`), ['x/img01.png', 'y/img02.png']);
    assert.deepEqual(await list(`${root}/{x,z}/img1?.png`), ['x/img11.png', 'x/img13.png', 'x/img15.png', 'x/img17.png', 'x/img19.png']);
    await assert.rejects(list(`${root}/*.png`), /photos\/\*\.png: the pattern matches no file/);
    await assert.rejects(list(join(root, 'missing')), /missing: no such file or folder/);
    assert.ok(globToRegExp('a/**/b.jpg').test('a/b.jpg') && globToRegExp('a/**/b.jpg').test('a/x/y/b.jpg') && !globToRegExp('a/*.jpg').test('a/x/b.jpg'));
  });
});

describe('predictFiles', () => {
  test('the same probabilities as one image at a time; an unreadable file gets its error in place and the rest go on', async () => {
    const root = await folder;
    const out = await collect(predictFiles(model, meta, imageFiles([root]), { batchSize: 8, topK: 4 }));
    assert.equal(out.length, 41);
    assert.match(out[0]!.error!, /broken\.png/);
    assert.equal(out[0]!.top, undefined);
    for (const p of out.slice(1, 6).concat(out.slice(-3))) {
      const { x } = await loadModelInput(p.file, meta);
      const want = noGrad(() => softmax(model.forward(x), 1)).toArray();
      for (const t of p.top!) assert.ok(Math.abs(t.probability - want[t.index]!) < 1e-5, `${p.file} ${t.class}: ${t.probability} vs ${want[t.index]}`);
      assert.equal(p.top![0]!.probability, Math.max(...p.top!.map((t) => t.probability)));
    }
    // decoding on this thread gives the same answers as the worker threads
    const inline = await collect(predictFiles(model, meta, imageFiles([root]), { batchSize: 8, topK: 4, numWorkers: 0 }));
    assert.deepEqual(inline, out);
  });

  test('read-ahead is bounded (workers x prefetch batches), so memory does not grow with the number of files', async () => {
    const root = await folder;
    const paths: string[] = [];
    for await (const f of imageFiles([`${root}/*/img*.png`])) paths.push(f);
    let pulled = 0;
    async function* counted(): AsyncGenerator<string> {
      for (let round = 0; round < 5; round++) for (const p of paths) { pulled++; yield p; }
    }
    let seen = 0;
    const batchSize = 4, numWorkers = 2, prefetch = 2;
    for await (const b of predictFiles(model, meta, counted(), { batchSize, numWorkers, prefetch })) {
      seen += b.length;
      assert.ok(pulled - seen <= numWorkers * prefetch * batchSize, `${pulled - seen} files read ahead of the results`);
    }
    assert.equal(seen, 200);
  });

  test('bad options and a model of another input are clear errors', async () => {
    await assert.rejects(collect(predictFiles(model, meta, [], { batchSize: 0 })), /predictFiles: batchSize must be an integer >= 1, got 0/);
    await assert.rejects(collect(predictFiles(model, { ...meta, inputShape: [2, 16, 16] }, [])), /the model takes 2-channel input/);
  });
});

describe('PredictionLog', () => {
  const p = (file: string, top: [string, number][] | null, error?: string): FilePrediction => (top ? { file, top: top.map(([c, probability], index) => ({ class: c, index, probability })) } : { file, error: error! });

  test('CSV: header, quoting, an error column; a re-open knows the files in it and cuts a torn last line', () => {
    const path = join(dir, 'out.csv');
    const log = PredictionLog.open(path, 2);
    log.append([p('a.png', [['cat', 0.75], ['dog', 0.25]]), p('b, "c".png', [['dog', 0.5], ['cat', 0.5]]), p('bad.png', null, 'ImageError: bad.png: not a picture')]);
    log.close();
    assert.equal(readFileSync(path, 'utf8'), `${csvHeader(2)}\na.png,cat,0.75,dog,0.25,\n"b, ""c"".png",dog,0.5,cat,0.5,\nbad.png,,,,,ImageError: bad.png: not a picture\n`);
    appendFileSync(path, 'd.png,ca');
    const again = PredictionLog.open(path, 2);
    assert.equal(again.truncated, 8);
    assert.deepEqual([...again.done], ['a.png', 'b, "c".png', 'bad.png']);
    again.append([p('d.png', [['cat', 1], ['dog', 0]])]);
    again.close();
    assert.match(readFileSync(path, 'utf8'), /not a picture\nd\.png,cat,1,dog,0,\n$/);
    assert.throws(() => PredictionLog.open(path, 3), /out\.csv: holds other columns than top-3 predictions/);
  });

  test('JSON lines, and the format told by the name', () => {
    const path = join(dir, 'out.jsonl');
    const log = PredictionLog.open(path, 1);
    log.append([p('a.png', [['cat', 0.9]]), p('bad.png', null, 'nope')]);
    log.close();
    assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), [{ file: 'a.png', top: [{ class: 'cat', probability: 0.9 }] }, { file: 'bad.png', error: 'nope' }]);
    assert.deepEqual([...PredictionLog.open(path, 1).done], ['a.png', 'bad.png']);
    assert.throws(() => PredictionLog.open(join(dir, 'out.txt'), 1), /out\.txt: cannot tell the output format from '\.txt': name it \.csv or \.jsonl/);
  });
});
