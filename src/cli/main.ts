#!/usr/bin/env node
/**
 * The fovea command line: parses arguments and calls the library, nothing more.
 */
import { FoveaError } from '../errors.js';
import { CommandExit, UsageError } from './cli-error.js';
import { augmentCommand, augmentHelp } from './commands/augment.js';
import { benchCommand, benchHelp } from './commands/bench.js';
import { verifyCommand, verifyHelp } from './commands/verify.js';
import { filterCommand, filterHelp } from './commands/filter.js';
import { evalCommand, evalHelp } from './commands/eval.js';
import { explainCommand, explainHelp } from './commands/explain.js';
import { exportCommand, exportHelp } from './commands/export.js';
import { importCommand, importHelp } from './commands/import.js';
import { predictCommand, predictHelp } from './commands/predict.js';
import { serveCommand, serveHelp } from './commands/serve.js';
import { summaryCommand, summaryHelp } from './commands/summary.js';
import { trainCommand, trainHelp } from './commands/train.js';
import { tutorialCommand, tutorialHelp } from './commands/tutorial.js';
import { FOVEA_VERSION } from '../version.js';

const commands: Record<string, { run: (argv: string[]) => Promise<void>; help: string; what: string }> = {
  train: { run: trainCommand, help: trainHelp, what: 'train a CNN (default: LeNet on MNIST) and save a model file' },
  eval: { run: evalCommand, help: evalHelp, what: 'test accuracy, per-class accuracy and confusion matrix of a model file' },
  predict: { run: predictCommand, help: predictHelp, what: 'classify images with a model file' },
  explain: { run: explainCommand, help: explainHelp, what: 'every layer\'s feature maps, filters and class probabilities for an image, as PNGs + index.html' },
  tutorial: { run: tutorialCommand, help: tutorialHelp, what: 'a photo through hand-set edge filters, ReLU, pooling and Sobel, as PNGs + index.html' },
  filter: { run: filterCommand, help: filterHelp, what: 'a photo in grayscale through one filter (sobel, blur, sharpen, edge4, your JSON kernel), as a PNG' },
  augment: { run: augmentCommand, help: augmentHelp, what: 'a grid of randomly augmented copies of an image (seeded), as a PNG' },
  serve: { run: serveCommand, help: serveHelp, what: 'the explainer web app on this machine: draw a digit, watch every layer, load your model, train in the page' },
  export: { run: exportCommand, help: exportHelp, what: 'write a model file as ONNX (dynamic batch, for ONNX Runtime and other runtimes)' },
  import: { run: importCommand, help: importHelp, what: 'convert an ONNX CNN (e.g. from PyTorch) or a TF.js layers or graph model (Teachable Machine, TF Hub, nsfwjs) to a fovea model file' },
  summary: { run: summaryCommand, help: summaryHelp, what: 'layers, output shapes and parameter counts' },
  bench: { run: benchCommand, help: benchHelp, what: 'benchmark the standard workloads (JSON lines)' },
  verify: { run: verifyCommand, help: verifyHelp, what: 'check every kernel and gradient on every backend of this machine' },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'usage: fovea <command> [options]',
    '',
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.what}`),
    '',
    "Run 'fovea <command> --help' for a command's options.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(`${FOVEA_VERSION}\n`);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`fovea: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.help}\n`);
    return 0;
  }
  try {
    await cmd.run(rest);
    return 0;
  } catch (e) {
    const err = e as Error;
    if (err instanceof CommandExit) return err.code;
    if (err instanceof UsageError) {
      process.stderr.write(`fovea ${name}: ${err.message}\nRun 'fovea ${name} --help' for usage.\n`);
      return 2;
    }
    // Errors we raise on purpose carry an actionable message; anything else is a bug: show the stack.
    const known = err instanceof FoveaError;
    process.stderr.write(`fovea ${name}: ${known ? err.message : err.stack ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
