/**
 * `fovea export MODEL.fovea --onnx OUT.onnx`: the model as an ONNX file
 * (opset 13+, input `input` [N, C, H, W] with a dynamic batch, output
 * `logits`) carrying its class names, normalisation and fit as
 * metadata_props, written atomically.
 */
import { loadAnyModel } from '../../io/load-any-model-node.js';
import { ONNX_METADATA_KEYS as K } from '../../io/onnx/onnx-metadata.js';
import { saveOnnx } from '../../io/onnx/onnx-file-node.js';
import { FOVEA_VERSION } from '../../version.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { jsonFlag, printJson } from '../options.js';

export const exportFlags = {
  onnx: flag.string({ arg: 'FILE', help: 'the .onnx file to write (atomically)' }),
  opset: flag.int({ min: 13, max: 21, default: 13, help: 'ONNX opset' }),
  'bake-normalization': flag.boolean({ help: `put the normalisation into the graph (a Sub and a Div
on the input), for consumers that read no metadata:
the graph then takes pixel/255 in [0, 1], and its
metadata says mean 0, std 1, normalize.baked true` }),
  json: jsonFlag(),
};

export const exportHelp = helpPage({
  usage: 'fovea export MODEL --onnx OUT.onnx [options]',
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
Image.ColorSpaceGamma and Image.NominalPixelRange.`,
});

export async function exportCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('export', exportFlags, argv);
  const file = positionals[0];
  if (!file) throw new UsageError('export: missing MODEL (a .fovea file, or an .onnx file, a TF.js model or nsfwjs:NAME)');
  const out = v.onnx;
  if (out === undefined) throw new UsageError('export: give --onnx OUT.onnx');
  const { opset, bakeNormalization: bake } = v;
  const { model, meta } = loadAnyModel(file);
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
