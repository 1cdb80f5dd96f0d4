/**
 * `fovea export MODEL.fovea --onnx OUT.onnx`: the model as an ONNX file
 * (opset 13+, input `input` [N, C, H, W] with a dynamic batch, output
 * `logits`), written atomically.
 */
import { loadModel } from '../../io/model-file-node.js';
import { saveOnnx } from '../../io/onnx/onnx-file-node.js';
import { UsageError } from '../cli-error.js';
import { num, parse, printJson, type Options } from '../options.js';

export const exportHelp = `fovea export MODEL_FILE --onnx OUT.onnx [options]

Writes the model as ONNX (for ONNX Runtime, TensorRT, OpenVINO, ...): input
'input' [N, C, H, W] with a dynamic batch N, output 'logits'. Dropout is left
out and batch norm uses its running statistics (inference).

  --onnx FILE    the .onnx file to write (atomically)
  --opset N      ONNX opset, 13 to 21 (default 13)
  --json         machine-readable output`;

const options: Options = { onnx: { type: 'string' }, opset: { type: 'string' }, json: { type: 'boolean' } };

export async function exportCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, options, 'export');
  const file = positionals[0];
  if (!file) throw new UsageError('export: missing MODEL_FILE (a .fovea file)');
  const out = v['onnx'];
  if (typeof out !== 'string') throw new UsageError('export: give --onnx OUT.onnx');
  const opset = num(v, 'opset', 13, (x) => Number.isInteger(x) && x >= 13 && x <= 21);
  const { model, meta } = loadModel(file);
  await saveOnnx(out, model, { inputShape: meta.inputShape, opset });
  const outputShape = model.outputShape([1, ...meta.inputShape]).slice(1);
  if (v['json']) printJson({ command: 'export', model: file, onnx: out, opset, input: ['N', ...meta.inputShape], output: ['N', ...outputShape] });
  else process.stdout.write(`wrote ${out} (opset ${opset}): input [N, ${meta.inputShape.join(', ')}] → logits [N, ${outputShape.join(', ')}]\n`);
}
