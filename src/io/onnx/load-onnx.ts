/**
 * ONNX import: the bytes of an .onnx file → an ordinary fovea model (a
 * GraphModule of fovea layers) that runs, explains, fine-tunes and saves like
 * any other. Platform-free; see onnx-file-node.ts for files with external data.
 *
 * The graph is checked before anything is built: one image input, nodes
 * sorted topologically (cycles and missing inputs are errors naming the
 * nodes), tensor sizes against their dims, external data paths confined to
 * the model's folder.
 */
import { ValueNames } from '../../nn/value-names.js';
import { GraphModule, graphNodeShape, type GraphNode, type GraphOp } from '../../nn/graph-module.js';
import type { Module } from '../../nn/module.js';
import { withModule } from '../../tensor/context.js';
import { FoveaError } from '../../errors.js';
import { tensor } from '../../tensor/ops/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { OnnxError } from './onnx-error.js';
import { modelMetaFromOnnx, type OnnxModelMeta } from './onnx-metadata.js';
import { BATCH, CONVERTERS, type ConstValue, type Converted, type OpContext, type TensorValue, type Value } from './onnx-ops.js';
import { decodeOnnxModel, tensorFromRaw, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-proto.js';
import { MAX_INPUT_VALUES } from '../model-file-checks.js';
import { formatBytes } from '../../util/memory-estimate.js';

export interface LoadOnnxOptions {
  /** The input [C, H, W], needed when the model's input dims are symbolic; otherwise checked against them. */
  inputShape?: readonly [number, number, number];
  /**
   * Returns the bytes of an external data file, given its location relative to
   * the model (Node: `loadOnnxFile` passes one confined to the model's folder).
   */
  readExternal?: (location: string) => Uint8Array;
}

export interface LoadedOnnx {
  model: GraphModule;
  /** The input [C, H, W] the model takes. */
  inputShape: [number, number, number];
  inputName: string;
  outputName: string;
  opset: number;
  /** The file's metadata_props, every key (a repeated key: its last value). */
  metadataProps: Record<string, string>;
  /**
   * What the metadata says about preprocessing and classes, checked (keys:
   * ONNX_METADATA_KEYS); absent entries are left out. `loadModelBytes` / `loadAnyModel` complete it
   * with the defaults (classes '0'..'N-1', mean 0 / std 1).
   */
  meta: OnnxModelMeta;
}

/** The ONNX operators `loadOnnx` converts. */
export const SUPPORTED_ONNX_OPS: readonly string[] = [...CONVERTERS.keys()];

/** Checks an external-data location: relative, inside the model's folder. */
export function checkExternalLocation(location: string, source: string, tensorName: string): void {
  const parts = location.split(/[\\/]+/);
  if (!location || location.startsWith('/') || location.startsWith('\\') || /^[a-zA-Z]:/.test(location) || parts.includes('..')) {
    throw new OnnxError(source, `tensor '${tensorName}': external data location '${location}' points outside the model's folder`);
  }
}

function resolveExternal(t: OnnxTensor, source: string, options: LoadOnnxOptions): void {
  const ext = t.external!;
  checkExternalLocation(ext.location, source, t.name);
  if (!options.readExternal) {
    throw new OnnxError(source, `tensor '${t.name}' keeps its data in the external file '${ext.location}'; load the model by path (loadOnnxFile) so that file can be read`);
  }
  const file = options.readExternal(ext.location);
  const end = ext.length === null ? file.length : ext.offset + ext.length;
  if (ext.offset > file.length || end > file.length) {
    throw new OnnxError(source, `tensor '${t.name}': external data [${ext.offset}, ${end}) runs past the end of '${ext.location}' (${file.length} bytes)`);
  }
  t.data = tensorFromRaw(t, file.subarray(ext.offset, end), source);
}

/** Nodes in an order where every input is produced first (Kahn's algorithm); cycles and missing inputs are errors. */
function topoSort(g: OnnxGraph, known: Set<string>, source: string): OnnxNode[] {
  const producer = new Map<string, number>();
  g.nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (!o) continue;
      if (producer.has(o) || known.has(o)) throw new OnnxError(source, `value '${o}' is produced twice (node '${n.name || n.opType}')`);
      producer.set(o, i);
    }
  });
  const waiting = g.nodes.map((n) => n.inputs.filter((i) => i && !known.has(i)).length);
  const users = new Map<number, number[]>();
  g.nodes.forEach((n, i) => {
    for (const inp of n.inputs) {
      if (!inp || known.has(inp)) continue;
      const p = producer.get(inp);
      if (p === undefined) throw new OnnxError(source, `node '${n.name || n.opType}' (${n.opType}) uses '${inp}', which no node, initializer or graph input provides`);
      users.set(p, [...(users.get(p) ?? []), i]);
    }
  });
  const ready = waiting.flatMap((w, i) => (w === 0 ? [i] : []));
  const order: OnnxNode[] = [];
  while (ready.length) {
    const i = ready.shift()!;
    order.push(g.nodes[i]!);
    for (const u of users.get(i) ?? []) if (--waiting[u]! === 0) ready.push(u);
  }
  if (order.length !== g.nodes.length) {
    const stuck = g.nodes.filter((_, i) => waiting[i]! > 0).map((n) => `'${n.name || n.opType}'`).slice(0, 5);
    throw new OnnxError(source, `the graph has a cycle through nodes ${stuck.join(', ')}`);
  }
  return order;
}

function opsetOf(m: OnnxModel, source: string): number {
  const op = m.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!op) throw new OnnxError(source, 'the model imports no default-domain opset');
  // Before opset 7 several operators took attributes later dropped (consumed_inputs, broadcast, ...): the
  // converters refuse any attribute they do not read, so those old forms are named, never misread.
  if (op.version < 1 || op.version > 22) throw new OnnxError(source, `opset ${op.version} is not supported (1 to 22)`);
  return op.version;
}


function inputShapeOf(g: OnnxGraph, inits: Set<string>, source: string, options: LoadOnnxOptions): { name: string; chw: [number, number, number]; batch: number | null } {
  const inputs = g.inputs.filter((v) => !inits.has(v.name));
  if (inputs.length !== 1) throw new OnnxError(source, `fovea models take one image input; this graph has ${inputs.length} (${inputs.map((v) => v.name).join(', ')})`);
  const v = inputs[0]!;
  if (v.elemType !== 0 && v.elemType !== 1) throw new OnnxError(source, `input '${v.name}' has element type ${v.elemType}; only float32 is supported`);
  if (v.dims && v.dims.length !== 4) throw new OnnxError(source, `input '${v.name}' has ${v.dims.length} dims; fovea expects an image batch [N, C, H, W]`);
  const dims = v.dims ?? ['N', '?', '?', '?'];
  const declared = dims.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : null));
  const given = options.inputShape;
  if (given) {
    declared.forEach((d, i) => {
      if (d !== null && d !== given[i]) throw new OnnxError(source, `inputShape [${given.join(', ')}] does not match the model's input [${dims.join(', ')}]`);
    });
    if (!given.every((d) => Number.isInteger(d) && d > 0 && d <= 65536)) throw new OnnxError(source, `invalid inputShape [${given.join(', ')}]`);
    return { name: v.name, chw: [...given], batch: typeof dims[0] === 'number' ? dims[0] : null };
  }
  if (declared.some((d) => d === null)) {
    throw new OnnxError(source, `input '${v.name}' has dynamic dims [${dims.join(', ')}]; give inputShape [C, H, W] (fovea import --input-shape C,H,W)`);
  }
  if (declared.some((d) => d! > 65536)) throw new OnnxError(source, `input '${v.name}' has absurd dims [${dims.join(', ')}]`);
  return { name: v.name, chw: declared as [number, number, number], batch: typeof dims[0] === 'number' ? dims[0] : null };
}

/**
 * Loads an ONNX model as a fovea GraphModule (in eval mode).
 *
 * Shape: input [N, C, H, W] (N free) → the model's first output.
 * @example
 * const { model, inputShape } = loadOnnx(readFileSync('resnet18.onnx'), 'resnet18.onnx');
 * const logits = noGrad(() => model.forward(x));
 */
/**
 * Weights must be finite: a NaN or infinity (a damaged file, a diverged
 * export) would turn every prediction into NaN. A single-value constant may be
 * ±Infinity (a padding or clipping bound), never NaN.
 */
function checkFiniteInitializer(name: string, data: ArrayLike<number>, source: string): void {
  let nan = 0, inf = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isNaN(v)) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
  }
  if (data.length === 1) inf = 0;
  if (nan + inf === 0) return;
  const what = [nan ? `${nan} NaN` : '', inf ? `${inf} infinite` : ''].filter(Boolean).join(' and ');
  throw new OnnxError(source, `initializer '${name}' holds ${what} value${nan + inf === 1 ? '' : 's'} (of ${data.length}); the weights are corrupt`);
}

export function loadOnnx(bytes: Uint8Array, source: string, options: LoadOnnxOptions = {}): LoadedOnnx {
  const m = decodeOnnxModel(bytes, source);
  const opset = opsetOf(m, source);
  const g = m.graph;
  const consts = new Map<string, ConstValue>();
  for (const t of g.initializers) {
    if (t.external) resolveExternal(t, source, options);
    if (t.data) {
      checkFiniteInitializer(t.name, t.data, source);
      consts.set(t.name, { dims: t.dims, data: t.data });
    }
  }
  const inits = new Set(g.initializers.map((t) => t.name));
  const input = inputShapeOf(g, inits, source, options);
  // refused here, not when predict allocates the first activation of a 65536 x 65536 image
  const perImage = input.chw[0] * input.chw[1] * input.chw[2];
  if (perImage > MAX_INPUT_VALUES) {
    throw new OnnxError(source, `input '${input.name}' of [${input.chw.join(', ')}] needs ${formatBytes(perImage * 4)} per image, above the limit of ${formatBytes(MAX_INPUT_VALUES * 4)}`);
  }
  if (g.outputs.length < 1) throw new OnnxError(source, 'the graph has no output');
  const order = topoSort(g, new Set([...inits, input.name]), source);

  const names = new ValueNames();
  const inputRef = names.make(input.name);
  const values = new Map<string, Value>([[input.name, { kind: 'tensor', t: { ref: inputRef, shape: [BATCH, ...input.chw] } }]]);
  for (const [n, c] of consts) values.set(n, { kind: 'const', c });
  const nodes: GraphNode[] = [];
  const modules: Record<string, Module> = {};
  const constants: Record<string, Tensor> = {};
  const constRefs = new Map<ConstValue, TensorValue>();
  // values some node or the graph's output (fovea models have one) reads: an extra output nobody reads may go unconverted
  const consumed = new Set<string>([...g.nodes.flatMap((n) => n.inputs), g.outputs[0]?.name ?? '']);
  const constRef = (c: ConstValue, name: string): TensorValue => {
    let ref = constRefs.get(c);
    if (!ref) {
      ref = { ref: names.make(name), shape: [...c.dims] };
      constants[ref.ref] = tensor(Float32Array.from(c.data), c.dims).keep();
      constRefs.set(c, ref);
    }
    return ref;
  };

  for (const node of order) {
    const label = `node '${node.name || node.outputs[0] || '?'}' (${node.opType})`;
    const fail = (problem: string): never => {
      // shapes traced at import time carry the batch as BATCH: say N
      throw new OnnxError(source, `${label}: ${problem.replaceAll(String(BATCH), 'N')}`);
    };
    if (node.domain && node.domain !== 'ai.onnx') fail(`operator domain '${node.domain}' is not supported`);
    const convert = CONVERTERS.get(node.opType);
    if (!convert) fail(`unsupported operator '${node.opType}'; supported: ${SUPPORTED_ONNX_OPS.join(', ')}`);
    const base = node.name || `${node.opType}_${nodes.length}`;
    const get = (i: number): Value => {
      const name = node.inputs[i];
      const v = name ? values.get(name) : undefined;
      return v ?? fail(`input ${i} is missing`);
    };
    // every attribute a converter looks at is marked; one it never looked at is an error, never silently dropped
    const read = new Set<string>();
    const attr = (name: string) => {
      read.add(name);
      return node.attributes.find((a) => a.name === name);
    };
    const ctx: OpContext = {
      node, opset, declaredBatch: input.batch,
      has: (i) => !!node.inputs[i],
      isConst: (i) => get(i).kind === 'const',
      constant: (i) => {
        const v = get(i);
        return v.kind === 'const' ? v.c : fail(`input ${i} ('${node.inputs[i]}') must be a constant (an initializer or a value computable at import time)`);
      },
      tensor: (i) => {
        const v = get(i);
        return v.kind === 'tensor' ? v.t : constRef(v.c, `const_${node.inputs[i]}`);
      },
      constTensor: (c, name) => constRef(c, `${base}_${name}`),
      attrI: (n, d) => attr(n)?.i ?? d,
      attrF: (n, d) => attr(n)?.f ?? d,
      attrInts: (n) => attr(n)?.ints,
      attrFloats: (n) => attr(n)?.floats ?? [],
      attrS: (n, d) => attr(n)?.s ?? d,
      attrT: (n) => attr(n)?.t,
      hasAttr: (n) => attr(n) !== undefined,
      outputUsed: (i) => !!node.outputs[i] && consumed.has(node.outputs[i]!),
      module: (mod, x, suffix) => {
        const name = names.make(suffix ? `${base}_${suffix}` : base);
        let shape: number[];
        try {
          shape = withModule(mod, () => mod.outputShape(x.shape));
        } catch (e) {
          return fail((e as Error).message.replaceAll(String(BATCH), 'N'));
        }
        modules[name] = mod;
        nodes.push({ name, op: 'module', inputs: [x.ref] });
        return { ref: name, shape };
      },
      fn: (op: GraphOp, ins, attrs) => {
        const gn: GraphNode = { name: names.make(base), op, inputs: ins.map((t) => t.ref), ...(attrs ? { attrs } : {}) };
        let shape: number[];
        try {
          shape = graphNodeShape(gn, ins.map((t) => t.shape));
        } catch (e) {
          return fail((e as Error).message.replaceAll(String(BATCH), 'N'));
        }
        nodes.push(gn);
        return { ref: gn.name, shape };
      },
      fail,
    };
    let out: Converted;
    try {
      out = convert!(ctx);
    } catch (e) {
      if (e instanceof OnnxError || !(e instanceof FoveaError)) throw e;
      return fail(e.message);
    }
    const ignored = node.attributes.filter((a) => !read.has(a.name)).map((a) => `'${a.name}'`);
    if (ignored.length) fail(`attribute ${ignored.join(', ')} is not supported by fovea's ${node.opType} converter (ignoring it could give wrong values)`);
    const outs: Value[] = Array.isArray(out) ? out : [out];
    node.outputs.forEach((name, i) => {
      if (!name) return;
      const v = outs[i];
      if (v) values.set(name, v);
      else if (consumed.has(name)) fail(`output ${i} ('${name}') is not supported`);
    });
  }

  const outName = g.outputs[0]!.name;
  const out = values.get(outName);
  if (!out) throw new OnnxError(source, `graph output '${outName}' is not computed by any node`);
  if (out.kind !== 'tensor') throw new OnnxError(source, `graph output '${outName}' is a constant; it does not depend on the input`);
  const kept = pruned(nodes, out.t.ref);
  const used = new Set(kept.flatMap((n) => n.inputs));
  const keptConstants = Object.fromEntries(Object.entries(constants).filter(([n]) => used.has(n)));
  const model = new GraphModule({ input: inputRef, output: out.t.ref, nodes: kept }, modules, keptConstants);
  model.eval();
  const metadataProps = Object.fromEntries(m.metadataProps ?? []);
  // class names are checked against the outputs when the model is a classifier, [N, classes]
  const outShape = out.t.shape;
  const numClasses = outShape.length === 2 && outShape[1]! > 0 ? outShape[1] : undefined;
  const meta = modelMetaFromOnnx(new Map(Object.entries(metadataProps)), input.chw, source, numClasses);
  return { model, inputShape: input.chw, inputName: input.name, outputName: outName, opset, metadataProps, meta };
}

/** Drops nodes whose values never reach the output (dead branches of the ONNX graph). */
function pruned(nodes: GraphNode[], output: string): GraphNode[] {
  const needed = new Set([output]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (needed.has(n.name)) for (const x of n.inputs) needed.add(x);
  }
  return nodes.filter((n) => needed.has(n.name));
}
