/**
 * `fovea eval MODEL`: accuracy, per-class accuracy and the confusion matrix on
 * the official test set.
 */
import { DataLoader } from '../../data/data-loader.js';
import { loadModel } from '../../io/model-file-node.js';
import { evaluate } from '../../train/evaluate.js';
import { FoveaError, fmt } from '../../errors.js';
import { UsageError } from '../cli-error.js';
import { num, parse, pct, printJson, type Options, applyBackend, backendHelp, backendOptions } from '../options.js';
import { datasetName, loadSplit } from './data-source.js';

export const evalHelp = `fovea eval MODEL [options]

Evaluates a model file on a data set's test split.

  --dataset NAME   mnist (default) or fashion-mnist
  --data DIR       directory with the IDX files
  --top K          also report top-K accuracy (default 1)
  --batch-size N   default 256
  --json           machine-readable output
${backendHelp}`;

const options: Options = {
  ...backendOptions,
  dataset: { type: 'string' }, data: { type: 'string' }, top: { type: 'string' },
  'batch-size': { type: 'string' }, json: { type: 'boolean' },
};

export async function evalCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, options, 'eval');
  const file = positionals[0];
  if (!file) throw new UsageError('eval: missing MODEL (a .fovea file)');
  await applyBackend(v);
  const { model, meta } = loadModel(file);
  const dataset = datasetName(v['dataset'] as string | undefined);
  const test = loadSplit(dataset, v['data'] as string | undefined, false);
  if (fmt(test.shape) !== fmt(meta.inputShape)) {
    throw new FoveaError(`${file}: model expects input ${fmt(meta.inputShape)} but ${dataset} images are ${fmt(test.shape)}`);
  }
  if (test.classNames.length !== meta.classNames.length) {
    throw new FoveaError(`${file}: model has ${meta.classNames.length} classes but ${dataset} has ${test.classNames.length}`);
  }
  const topK = num(v, 'top', 1, (x) => Number.isInteger(x) && x >= 1);
  const loader = new DataLoader(test, { batchSize: num(v, 'batch-size', 256, (x) => Number.isInteger(x) && x >= 1), normalize: meta.normalize });
  const r = evaluate(model, loader, meta.classNames.length, { topK });
  if (v['json']) {
    printJson({
      command: 'eval', model: file, dataset, count: r.count, accuracy: r.accuracy, loss: r.loss,
      ...(topK > 1 ? { topK, topKAccuracy: r.topKAccuracy } : {}),
      perClassAccuracy: Object.fromEntries(meta.classNames.map((c, i) => [c, r.perClassAccuracy[i]])),
      confusion: r.confusion.toRows(), classNames: meta.classNames,
    });
    return;
  }
  const out: string[] = [];
  out.push(`${file} on ${dataset} test set (${r.count} images)`);
  out.push(`accuracy ${pct(r.accuracy)}  loss ${r.loss.toFixed(4)}${topK > 1 ? `  top-${topK} ${pct(r.topKAccuracy)}` : ''}`);
  out.push('', 'per-class accuracy:');
  meta.classNames.forEach((c, i) => out.push(`  ${c.padEnd(12)} ${pct(r.perClassAccuracy[i]!)}`));
  out.push('', 'confusion matrix (rows: actual, columns: predicted):', r.confusion.format(meta.classNames));
  process.stdout.write(`${out.join('\n')}\n`);
}
