/**
 * `fovea import MODEL.onnx -o MODEL.fovea`: an ONNX CNN (e.g. exported from
 * PyTorch) as a fovea model file, with the class names and normalisation
 * that `predict`, `explain` and `eval` need.
 */
import { existsSync, readFileSync } from 'node:fs';
import { saveModel } from '../../io/model-file-node.js';
import { loadOnnxFile } from '../../io/onnx/onnx-file-node.js';
import { UsageError } from '../cli-error.js';
import { parse, printJson, type Options } from '../options.js';

export const importHelp = `fovea import MODEL.onnx -o MODEL.fovea [options]

Converts an ONNX image classifier to a fovea model file (the CNN operator
subset: Conv, Gemm, MatMul, pooling, BatchNormalization, activations, Add,
Concat, Pad, Reshape, ...). Weights stay trainable: fine-tune the result.

  -o, --out FILE        the .fovea file to write (default: MODEL.fovea)
  --input-shape C,H,W   the input size, when the model's dims are dynamic
  --classes FILE|N      class names: a file with one name per line (or a JSON
                        array), or a count N for names 0..N-1 (default: one
                        per model output)
  --mean M1,M2,..       per-channel mean applied after scaling pixels to [0, 1]
                        (default 0; 'imagenet' for 0.485,0.456,0.406)
  --std S1,S2,..        per-channel std (default 1; 'imagenet' for 0.229,0.224,0.225)
  --json                machine-readable output`;

const options: Options = {
  out: { type: 'string', short: 'o' }, 'input-shape': { type: 'string' }, classes: { type: 'string' },
  mean: { type: 'string' }, std: { type: 'string' }, json: { type: 'boolean' },
};

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

function numbers(raw: string, flag: string): number[] {
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (!v.length || v.some((x) => !Number.isFinite(x))) throw new UsageError(`--${flag}: expected comma-separated numbers, got '${raw}'`);
  return v;
}

function perChannel(raw: unknown, flag: 'mean' | 'std', channels: number, fallback: number): number[] {
  if (raw === undefined) return new Array<number>(channels).fill(fallback);
  const v = raw === 'imagenet' ? IMAGENET[flag] : numbers(String(raw), flag);
  if (v.length === 1) return new Array<number>(channels).fill(v[0]!);
  if (v.length !== channels) throw new UsageError(`--${flag}: the model has ${channels} input channel(s), got ${v.length} values`);
  if (flag === 'std' && v.some((x) => x <= 0)) throw new UsageError('--std: values must be > 0');
  return v;
}

function classNames(raw: unknown, outputs: number): string[] {
  if (raw === undefined) return Array.from({ length: outputs }, (_, i) => String(i));
  const s = String(raw);
  let names: string[];
  if (/^\d+$/.test(s) && !existsSync(s)) names = Array.from({ length: Number(s) }, (_, i) => String(i));
  else {
    if (!existsSync(s)) throw new UsageError(`--classes: no such file '${s}' (give a file or a count)`);
    const text = readFileSync(s, 'utf8');
    names = text.trim().startsWith('[') ? (JSON.parse(text) as unknown[]).map(String) : text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }
  if (names.length !== outputs) throw new UsageError(`--classes: ${names.length} names for a model with ${outputs} outputs`);
  return names;
}

export async function importCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, options, 'import');
  const file = positionals[0];
  if (!file) throw new UsageError('import: missing MODEL.onnx');
  const out = typeof v['out'] === 'string' ? v['out'] : `${file.replace(/\.onnx$/i, '')}.fovea`;
  let inputShape: [number, number, number] | undefined;
  if (typeof v['input-shape'] === 'string') {
    const s = numbers(v['input-shape'], 'input-shape');
    if (s.length !== 3 || s.some((d) => !Number.isInteger(d) || d < 1)) throw new UsageError(`--input-shape: expected C,H,W, got '${v['input-shape']}'`);
    inputShape = s as [number, number, number];
  }
  const loaded = loadOnnxFile(file, inputShape ? { inputShape } : {});
  const c = loaded.inputShape[0];
  const outShape = loaded.model.outputShape([1, ...loaded.inputShape]);
  if (outShape.length !== 2) throw new UsageError(`import: the model outputs shape [N, ${outShape.slice(1).join(', ')}]; a classifier outputs [N, classes]`);
  const meta = {
    inputShape: loaded.inputShape,
    normalize: { mean: perChannel(v['mean'], 'mean', c, 0), std: perChannel(v['std'], 'std', c, 1) },
    classNames: classNames(v['classes'], outShape[1]!),
    training: { importedFrom: file, opset: loaded.opset },
  };
  await saveModel(out, loaded.model, meta);
  const layers = [...loaded.model.children()].length;
  if (v['json']) printJson({ command: 'import', onnx: file, out, inputShape: meta.inputShape, classes: meta.classNames.length, layers, parameters: loaded.model.numParameters(), opset: loaded.opset });
  else process.stdout.write(`wrote ${out}: ${layers} layers, ${loaded.model.numParameters()} parameters, input [${meta.inputShape.join(', ')}], ${meta.classNames.length} classes, normalize mean [${meta.normalize.mean.join(', ')}] std [${meta.normalize.std.join(', ')}]\n`);
}
