/**
 * `fovea summary MODEL | --model NAME`: layers, output shapes, parameter counts.
 */
import { loadAnyModel } from '../../io/load-any-model-node.js';
import { buildModel, MODELS } from '../../nn/models.js';
import { formatSummary, summarize } from '../../nn/summary.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const summaryFlags = {
  model: flag.enum(Object.keys(MODELS), { help: `a built-in model (${Object.keys(MODELS).join(', ')}) instead of a file` }),
  json: jsonFlag(),
};

export const summaryHelp = helpPage({
  usage: 'fovea summary MODEL\nfovea summary --model NAME',
  flags: summaryFlags,
  about: `Prints each layer with its output shape (batch 1) and parameter count. MODEL
is a .fovea file, an .onnx file, a TF.js model (model.json or its folder) or
nsfwjs:NAME.`,
});

export async function summaryCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('summary', summaryFlags, argv);
  const file = positionals[0];
  let model;
  let inputShape: number[];
  let classNames: string[] | undefined;
  if (file) {
    const loaded = loadAnyModel(file);
    model = loaded.model;
    inputShape = loaded.meta.inputShape;
    if (loaded.meta.classNames.length) classNames = loaded.meta.classNames;
  } else if (v.model !== undefined) {
    model = buildModel(v.model);
    inputShape = [1, 28, 28];
  } else {
    throw new UsageError('summary: give a model file or --model NAME');
  }
  const rows = summarize(model, [1, ...inputShape]);
  const total = model.numParameters();
  if (v.json) {
    printJson({ command: 'summary', inputShape, classNames, layers: rows, totalParameters: total });
    return;
  }
  process.stdout.write(`input [1, ${inputShape.join(', ')}]${classNames ? `, ${classNames.length} classes` : ''}\n${formatSummary(rows, total)}\n`);
}
