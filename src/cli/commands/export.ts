/**
 * `fovea export MODEL.fovea --onnx OUT.onnx`: the model as an ONNX file
 * (opset 13+, input `input` [N, C, H, W] with a dynamic batch, output
 * `logits`) carrying its class names, normalisation and fit as
 * metadata_props, written atomically. `--pytorch DIR`: the model as PyTorch
 * code and weights (DIR/model.py, DIR/model.safetensors), to train further
 * in PyTorch.
 */
import { basename } from 'node:path';
import type { LoadedModel } from '../../io/load-any-model.js';
import { loadAnyModel } from '../../io/load-any-model-node.js';
import type { ModelMeta } from '../../io/model-file.js';
import { ONNX_METADATA_KEYS as K } from '../../io/onnx/onnx-metadata.js';
import { saveOnnx } from '../../io/onnx/onnx-file-node.js';
import { savePyTorch } from '../../io/pytorch/export-pytorch-node.js';
import { FOVEA_VERSION } from '../../version.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const exportFlags = {
  onnx: flag.string({ arg: 'FILE', help: 'the .onnx file to write (atomically)' }),
  pytorch: flag.string({ arg: 'DIR', help: `the folder to write model.py and model.safetensors into
(created if needed; each file written atomically)` }),
  opset: flag.int({ min: 13, max: 21, default: 13, help: 'ONNX opset' }),
  'bake-normalization': flag.boolean({ help: `put the normalisation into the graph (a Sub and a Div
on the input), for consumers that read no metadata:
the graph then takes pixel/255 in [0, 1], and its
metadata says mean 0, std 1, normalize.baked true` }),
  json: jsonFlag(),
};

export const exportHelp = helpPage({
  usage: 'fovea export MODEL --onnx OUT.onnx [options]\n       fovea export MODEL --pytorch DIR',
  flags: exportFlags,
  about: `Writes the model (a .fovea file, or any model fovea reads: an .onnx file, a
TF.js model or nsfwjs:NAME) as ONNX (for ONNX Runtime, TensorRT, OpenVINO, ...): input
'input' [N, C, H, W] with a dynamic batch N, output 'logits'. Dropout is left
out and batch norm uses its running statistics (inference).

The file's metadata_props say how to feed it (fovea import reads them back;
Python's ONNX Runtime: get_modelmeta().custom_metadata_map):
  ${K.classNames.padEnd(22)} JSON array of the class names, one per logit
  ${K.normalizeMean.padEnd(22)} JSON array, per channel: feed (pixel/255 - mean) / std
  ${K.normalizeStd.padEnd(22)} JSON array, per channel
  ${K.normalizeBaked.padEnd(22)} true when the graph normalises itself (see below)
  ${K.fit.padEnd(22)} fill (stretch to H×W) or cover (centre crop, then resize)
  ${K.inputLayout.padEnd(22)} NCHW; ${K.pixelRange}: [0,1]; ${K.formatVersion}: 1
  ${K.training.padEnd(22)} JSON training record, when the model has one
and, when the graph takes plain [0, 1] pixels, ONNX's Image.BitmapPixelFormat,
Image.ColorSpaceGamma and Image.NominalPixelRange.

--pytorch DIR writes DIR/model.py, an nn.Module of the same structure and
parameter names (torch 1.13+ and numpy; no fovea needed), and DIR/model.safetensors,
its state dict. In Python: import model; net = model.load() (strict
load_state_dict, eval mode); model.normalize(pixels), model.transform() (a
torchvision transform) and INPUT_SHAPE, MEAN, STD, FIT, CLASS_NAMES say how to
feed it; python3 DIR/model.py prints a summary. Train it further there, on GPUs
(torchrun, DistributedDataParallel), then export ONNX and fovea import it back.`,
});

export async function exportCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('export', exportFlags, argv);
  const file = positionals[0];
  if (!file) throw new UsageError('export: missing MODEL (a .fovea file, or an .onnx file, a TF.js model or nsfwjs:NAME)');
  const out = v.onnx;
  if (out === undefined && v.pytorch === undefined) throw new UsageError('export: give --onnx OUT.onnx or --pytorch DIR');
  if (out !== undefined && v.pytorch !== undefined) throw new UsageError('export: give one of --onnx and --pytorch, not both');
  const { opset, bakeNormalization: bake } = v;
  if (v.pytorch !== undefined && bake) throw new UsageError('export: --bake-normalization is for --onnx; model.py keeps the normalisation as MEAN and STD (model.normalize)');
  const { model, meta } = loadAnyModel(file);
  if (v.pytorch !== undefined) {
    await exportPyTorchCommand(file, v.pytorch, model, meta, v.json);
    return;
  }
  if (out === undefined) return;
  await saveOnnx(out, model, { inputShape: meta.inputShape, opset, meta, bakeNormalization: bake, producerVersion: FOVEA_VERSION });
  const outputShape = model.outputShape([1, ...meta.inputShape]).slice(1);
  if (v.json) {
    printJson({
      command: 'export', model: file, onnx: out, opset, input: ['N', ...meta.inputShape], output: ['N', ...outputShape],
      classes: meta.classNames.length, normalize: meta.normalize, bakedNormalization: bake, fit: meta.fit ?? 'fill',
    });
    return;
  }
  const pre = bake ? 'normalisation baked in (feed [0, 1] pixels)' : `normalize mean [${meta.normalize.mean.join(', ')}] std [${meta.normalize.std.join(', ')}] in metadata`;
  process.stdout.write(`wrote ${out} (opset ${opset}): input [N, ${meta.inputShape.join(', ')}] → logits [N, ${outputShape.join(', ')}], ${meta.classNames.length} class names, ${pre}\n`);
}

async function exportPyTorchCommand(file: string, dir: string, model: LoadedModel['model'], meta: ModelMeta, json: boolean): Promise<void> {
  const written = await savePyTorch(dir, model, meta, { source: basename(file), producerVersion: FOVEA_VERSION });
  const outputShape = model.outputShape([1, ...meta.inputShape]).slice(1);
  const parameters = model.parameters().reduce((n, p) => n + p.numel(), 0);
  if (json) {
    printJson({ command: 'export', model: file, pytorch: dir, files: written, input: ['N', ...meta.inputShape], output: ['N', ...outputShape], parameters, classes: meta.classNames.length, normalize: meta.normalize, fit: meta.fit ?? 'fill' });
    return;
  }
  process.stdout.write(`wrote ${written.join(' and ')}: an nn.Module with ${parameters.toLocaleString('en-US')} parameters, input [N, ${meta.inputShape.join(', ')}] → logits [N, ${outputShape.join(', ')}], ${meta.classNames.length} class names
  python3 -c 'import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import model; print(model.load())'
`);
}
