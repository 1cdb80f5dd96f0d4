/**
 * Every command of the fovea CLI: what it does (one line for `fovea --help`),
 * its flags, its help page and the function that runs it.
 */
import { augmentCommand, augmentHelp, augmentFlags } from './commands/augment.js';
import { benchCommand, benchHelp, benchFlags } from './commands/bench.js';
import { verifyCommand, verifyHelp, verifyFlags } from './commands/verify.js';
import { filterCommand, filterHelp, filterFlags } from './commands/filter.js';
import { evalCommand, evalHelp, evalFlags } from './commands/eval.js';
import { explainCommand, explainHelp, explainFlags } from './commands/explain.js';
import { exportCommand, exportHelp, exportFlags } from './commands/export.js';
import { importCommand, importHelp, importFlags } from './commands/import.js';
import { predictCommand, predictHelp, predictFlags } from './commands/predict.js';
import { serveCommand, serveHelp, serveFlags } from './commands/serve.js';
import { summaryCommand, summaryHelp, summaryFlags } from './commands/summary.js';
import { trainCommand, trainHelp, trainFlags } from './commands/train.js';
import { tutorialCommand, tutorialHelp, tutorialFlags } from './commands/tutorial.js';
import type { Flags } from './flags.js';

export interface Command {
  run: (argv: string[]) => Promise<void>;
  /** The whole `--help` page; its options part is generated from `flags`. */
  help: string;
  flags: Flags;
  /** One line for the command list. */
  what: string;
}

export const COMMANDS: Record<string, Command> = {
  train: { run: trainCommand, help: trainHelp, flags: trainFlags, what: 'train a CNN (default: LeNet on MNIST) and save a model file' },
  eval: { run: evalCommand, help: evalHelp, flags: evalFlags, what: 'test accuracy, per-class accuracy and confusion matrix of a model file' },
  predict: { run: predictCommand, help: predictHelp, flags: predictFlags, what: 'classify images with a model file' },
  explain: { run: explainCommand, help: explainHelp, flags: explainFlags, what: 'every layer\'s feature maps, filters and class probabilities for an image, as PNGs + index.html' },
  tutorial: { run: tutorialCommand, help: tutorialHelp, flags: tutorialFlags, what: 'a photo through hand-set edge filters, ReLU, pooling and Sobel, as PNGs + index.html' },
  filter: { run: filterCommand, help: filterHelp, flags: filterFlags, what: 'a photo in grayscale through one filter (sobel, blur, sharpen, edge4, your JSON kernel), as a PNG' },
  augment: { run: augmentCommand, help: augmentHelp, flags: augmentFlags, what: 'a grid of randomly augmented copies of an image (seeded), as a PNG' },
  serve: { run: serveCommand, help: serveHelp, flags: serveFlags, what: 'the explainer web app on this machine: draw a digit, watch every layer, load your model, train in the page' },
  export: { run: exportCommand, help: exportHelp, flags: exportFlags, what: 'write a model file as ONNX (dynamic batch, for ONNX Runtime and other runtimes)' },
  import: { run: importCommand, help: importHelp, flags: importFlags, what: 'convert an ONNX CNN (e.g. from PyTorch) or a TF.js layers or graph model (Teachable Machine, TF Hub, nsfwjs) to a fovea model file' },
  summary: { run: summaryCommand, help: summaryHelp, flags: summaryFlags, what: 'layers, output shapes and parameter counts' },
  bench: { run: benchCommand, help: benchHelp, flags: benchFlags, what: 'benchmark the standard workloads (JSON lines)' },
  verify: { run: verifyCommand, help: verifyHelp, flags: verifyFlags, what: 'check every kernel and gradient on every backend of this machine' },
};
