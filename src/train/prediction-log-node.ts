/**
 * The output of prediction over a folder (Node): a CSV or JSON-lines file
 * written a batch at a time (append, then fsync, so a crash loses at most
 * the batch being written), and read back on a re-run so the files already
 * in it are skipped: an interrupted run resumes where it stopped. A last
 * line cut short by a crash is removed and its file predicted again.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { FileError } from '../errors.js';
import type { FilePrediction } from './predict-files.js';

export type PredictionFormat = 'csv' | 'jsonl';

/** `file,class1,probability1,...,classK,probabilityK,error`: the CSV header for top-K. @example csvHeader(1) // 'file,class1,probability1,error' */
export function csvHeader(k: number): string {
  return ['file', ...Array.from({ length: k }, (_, i) => [`class${i + 1}`, `probability${i + 1}`]).flat(), 'error'].join(',');
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const prob = (p: number): string => String(Number(p.toPrecision(6)));

/** One prediction as a line of `format` (with its newline). @example predictionLine({ file: 'a.jpg', error: 'a.jpg: truncated' }, 'jsonl', 3) */
export function predictionLine(p: FilePrediction, format: PredictionFormat, k: number): string {
  if (format === 'jsonl') {
    return `${JSON.stringify(p.error ? { file: p.file, error: p.error } : { file: p.file, top: p.top!.map((t) => ({ class: t.class, probability: Number(prob(t.probability)) })) })}\n`;
  }
  const cols = Array.from({ length: k }, (_, i) => {
    const t = p.top?.[i];
    return t ? [csvField(t.class), prob(t.probability)] : ['', ''];
  }).flat();
  return `${[csvField(p.file), ...cols, csvField(p.error ?? '')].join(',')}\n`;
}

/** The file column of a CSV line (quoted or not). */
function csvFirstField(line: string): string {
  if (!line.startsWith('"')) return line.slice(0, line.indexOf(',') < 0 ? line.length : line.indexOf(','));
  let out = '';
  for (let i = 1; i < line.length; i++) {
    if (line[i] === '"') {
      if (line[i + 1] === '"') { out += '"'; i++; } else return out;
    } else out += line[i];
  }
  return out;
}

/**
 * A prediction output file opened for appending. Its format comes from the
 * name (`.csv`, `.jsonl` or `.ndjson`).
 *
 * @example
 * const log = PredictionLog.open('predictions.csv', 3);
 * for await (const batch of predictFiles(model, meta, imageFiles(['photos/']), { topK: 3, skip: (f) => log.done.has(f) })) log.append(batch);
 * log.close();
 */
export class PredictionLog {
  /** Files already in the output when it was opened (resumed runs skip them). */
  readonly done: Set<string>;
  /** Bytes of a cut-short last line removed at open (0 when the file ended cleanly). */
  readonly truncated: number;
  private constructor(readonly path: string, readonly format: PredictionFormat, readonly k: number, private fd: number, done: Set<string>, truncated: number) {
    this.done = done;
    this.truncated = truncated;
  }

  /** Opens (or creates) `path` for top-`k` predictions; an existing file is read to resume. */
  static open(path: string, k: number): PredictionLog {
    const ext = extname(path).toLowerCase();
    const format: PredictionFormat | null = ext === '.csv' ? 'csv' : ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : null;
    if (!format) throw new FileError(path, `cannot tell the output format from '${ext || 'no extension'}': name it .csv or .jsonl`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new FileError(path, 'is a folder; --out takes a .csv or .jsonl file');
    const fd = openSync(path, 'a+');
    try {
      const { done, truncated } = readExisting(fd, path, format, k);
      if (fstatSync(fd).size === 0 && format === 'csv') writeSync(fd, `${csvHeader(k)}\n`);
      fsyncSync(fd);
      return new PredictionLog(path, format, k, fd, done, truncated);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** Appends a batch of predictions and flushes it to disk. */
  append(batch: readonly FilePrediction[]): void {
    if (!batch.length) return;
    writeSync(this.fd, batch.map((p) => predictionLine(p, this.format, this.k)).join(''));
    fsyncSync(this.fd);
    for (const p of batch) this.done.add(p.file);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** The files an existing output holds; a cut-short last line is cut off the file. */
function readExisting(fd: number, path: string, format: PredictionFormat, k: number): { done: Set<string>; truncated: number } {
  const size = fstatSync(fd).size;
  const done = new Set<string>();
  if (size === 0) return { done, truncated: 0 };
  const chunk = Buffer.alloc(1 << 20);
  const decoder = new TextDecoder();
  let pos = 0, carry = '', lineNo = 0;
  const take = (line: string): void => {
    lineNo++;
    if (format === 'csv') {
      if (lineNo === 1) {
        if (line !== csvHeader(k)) throw new FileError(path, `holds other columns than top-${k} predictions (its header: '${line.slice(0, 80)}'); give the same --top as before, or another --out`);
        return;
      }
      done.add(csvFirstField(line));
      return;
    }
    try {
      const o = JSON.parse(line) as { file?: unknown };
      if (typeof o.file !== 'string') throw new Error('no "file"');
      done.add(o.file);
    } catch (e) {
      throw new FileError(path, `line ${lineNo} is not a prediction (${(e as Error).message}); is this the output of fovea predict?`);
    }
  };
  while (pos < size) {
    const n = readSync(fd, chunk, 0, chunk.length, pos);
    if (n <= 0) break;
    pos += n;
    const lines = (carry + decoder.decode(chunk.subarray(0, n), { stream: true })).split('\n');
    carry = lines.pop()!;
    for (const line of lines) if (line) take(line);
  }
  carry += decoder.decode();
  // a last line without its newline was cut short by an interrupted write: drop it, its file runs again
  const truncated = Buffer.byteLength(carry);
  if (truncated) {
    ftruncateSync(fd, size - truncated);
    fsyncSync(fd);
  }
  return { done, truncated };
}
