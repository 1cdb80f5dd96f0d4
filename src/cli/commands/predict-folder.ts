/**
 * `fovea predict MODEL DIR_OR_GLOB... --out predictions.csv|.jsonl`: every
 * image of folders and patterns, streamed through worker threads in
 * batches, written as it goes, resumable. The work is the library's
 * (imageFiles, predictFiles, PredictionLog); this prints progress and the tally.
 */
import { countImageFiles, imageFiles } from '../../data/image-files.js';
import type { LoadedModel } from '../../io/load-any-model.js';
import { predictFiles } from '../../train/predict-files.js';
import { PredictionLog } from '../../train/prediction-log-node.js';
import { ProgressBar } from '../../train/progress.js';
import { printJson } from '../options.js';

export interface PredictFolderOptions {
  out: string;
  top: number;
  batchSize: number;
  workers: number;
  invert: boolean;
  json: boolean;
}

const clock = (s: number): string => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s) % 60).padStart(2, '0')}s` : `${Math.round(s)}s`);

export async function predictFolder(file: string, loaded: LoadedModel, sources: string[], o: PredictFolderOptions): Promise<void> {
  const { model, meta } = loaded;
  const k = Math.min(o.top, meta.classNames.length);
  const log = PredictionLog.open(o.out, k);
  try {
    if (log.truncated) process.stderr.write(`fovea predict: ${o.out}: removed a last line cut short by an interrupted run (${log.truncated} bytes); its file runs again\n`);
    const listed = await countImageFiles(sources);
    const skipped = log.done.size;
    const total = Math.max(0, listed - skipped);
    process.stderr.write(`fovea predict: ${listed} file(s) found${skipped ? `; resuming ${o.out}: ${skipped} already in it are skipped` : ''}\n`);
    const bar = new ProgressBar();
    const start = performance.now();
    let done = 0, failed = 0, lastLine = start;
    for await (const batch of predictFiles(model, meta, imageFiles(sources), { topK: k, batchSize: o.batchSize, numWorkers: o.workers, invert: o.invert, skip: (f) => log.done.has(f) })) {
      log.append(batch);
      for (const p of batch) {
        if (!p.error) continue;
        failed++;
        if (bar.enabled) process.stderr.write('\r\x1b[K');
        process.stderr.write(`fovea predict: unreadable, skipped: ${p.error}\n`);
      }
      done += batch.length;
      const now = performance.now();
      const rate = done / ((now - start) / 1000);
      const eta = rate > 0 ? clock(Math.max(0, total - done) / rate) : '?';
      bar.update(done, total, `${rate.toFixed(1)} images/s, ETA ${eta}`);
      if (!bar.enabled && now - lastLine > 10_000) {
        lastLine = now;
        process.stderr.write(`fovea predict: ${done}/${total} images, ${rate.toFixed(1)} images/s, ETA ${eta}\n`);
      }
    }
    bar.done();
    const seconds = (performance.now() - start) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    if (o.json) {
      printJson({ command: 'predict', model: file, out: o.out, predicted: done - failed, unreadable: failed, skipped, seconds: Number(seconds.toFixed(3)), imagesPerSecond: Number(rate.toFixed(2)) });
      return;
    }
    process.stdout.write(`${o.out}: ${done - failed} image(s) predicted${failed ? `, ${failed} unreadable (listed above and in the file's error column)` : ''}${skipped ? `, ${skipped} already there` : ''} in ${seconds.toFixed(1)} s (${rate.toFixed(1)} images/s)\n`);
  } finally {
    log.close();
  }
}
