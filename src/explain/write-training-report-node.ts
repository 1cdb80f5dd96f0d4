/**
 * Writing a training report beside a model file (Node): `lenet.fovea` gets
 * `lenet.report/` holding `report.html`, `loss.svg`, `accuracy.svg` and
 * `confusion-matrix.svg`, and the same charts as `loss.png`, `accuracy.png`
 * and `confusion-matrix.png` (rendered from the SVGs at twice their size).
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { TrainingSnapshots } from './training-snapshots.js';
import { trainingReport, type TrainingReportData } from './training-report.js';
import { writePage } from './write-page-node.js';

/**
 * The report folder for a model file: same folder, same name with its
 * extension replaced by `.report`.
 *
 * @example reportDirFor('runs/lenet.fovea')   // 'runs/lenet.report'
 */
export function reportDirFor(modelPath: string): string {
  const base = basename(modelPath, extname(modelPath)) || basename(modelPath);
  return join(dirname(modelPath), `${base}.report`);
}

/**
 * Writes the report of a training run next to its model file and returns
 * the path of `report.html`.
 *
 * @example
 * const html = await writeTrainingReport('lenet.fovea', { title: 'lenet on mnist', history, classNames, test });
 */
export async function writeTrainingReport(modelPath: string, data: TrainingReportData): Promise<string> {
  const written = await writePage(reportDirFor(modelPath), trainingReport(data), { htmlName: 'report.html' });
  return written[written.length - 1]!;
}

/**
 * Writes `snapshots.json` (the time machine's snapshots, see
 * `TrainingSnapshots.toJSON`) into a report folder, atomically, and returns its path.
 *
 * @example await writeSnapshots(reportDirFor('lenet.fovea'), tm);   // lenet.report/snapshots.json
 */
export async function writeSnapshots(dir: string, snapshots: TrainingSnapshots): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'snapshots.json');
  await writeFileAtomic(path, JSON.stringify(snapshots.toJSON()));
  return path;
}
