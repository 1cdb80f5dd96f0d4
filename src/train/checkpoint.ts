/**
 * Training checkpoints: one safetensors file holding everything needed to
 * continue a run bit for bit — the model (as in a .fovea file: weights under
 * their PyTorch-style names, the architecture and preprocessing in
 * `__metadata__.fovea`), the optimiser's buffers (`optimizer/<i>/<key>`), the
 * best validation epoch's weights (`best/<name>`), and in
 * `__metadata__["fovea-checkpoint"]` as JSON: the optimiser's step count and
 * learning rate, the scheduler's position, the run's options, and the
 * {@link FitState} (epoch, batch, both generators' states, history).
 *
 * Platform-free (bytes in, bytes out); see checkpoint-node.ts for paths.
 */
import { ModelFileError } from '../io/io-error.js';
import { modelFromParts, modelParts, type ModelMeta } from '../io/model-file.js';
import { decodeSafetensors, encodeSafetensors, type DecodedTensor, type SafetensorsInput } from '../io/safetensors.js';
import type { Module } from '../nn/module.js';
import type { EpochLog, FitState } from './fit.js';

export const CHECKPOINT_FORMAT = 'fovea-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

/** What `Optimizer.stateDict()` returns and `loadStateDict()` takes. */
export interface OptimizerState {
  step: number;
  lr: number;
  buffers: Record<string, Float32Array | null>[];
}

/** Everything a checkpoint holds. */
export interface Checkpoint {
  /** The model being trained (its parameters in `optimizer` order). */
  model: Module;
  /** Input shape, normalisation, class names: what the final model file will carry. */
  meta: ModelMeta;
  /** The options the run was started with (for `fovea train`, its command-line values), so a resume needs nothing else. */
  options: Record<string, unknown>;
  optimizer: OptimizerState;
  /** The scheduler's step count, or null without a scheduler. */
  scheduler: { lastEpoch: number } | null;
  fit: FitState;
}

/** The JSON in `__metadata__["fovea-checkpoint"]`. */
interface Header {
  format: string;
  version: number;
  options: Record<string, unknown>;
  optimizer: { step: number; lr: number; params: number };
  scheduler: { lastEpoch: number } | null;
  fit: Omit<FitState, 'bestWeights' | 'rngState' | 'loaderState'> & { rngState: (number | null)[]; loaderState: (number | null)[] };
}

const OPTIM = 'optimizer/';
const BEST = 'best/';

/**
 * Serialises a checkpoint to safetensors bytes.
 * @example await writeFileAtomic('run.ckpt', encodeCheckpoint({ model, meta, options, optimizer: opt.stateDict(), scheduler: null, fit: state }));
 */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const { tensors, metadata } = modelParts(c.model, c.meta);
  const all: Record<string, SafetensorsInput> = { ...tensors };
  c.optimizer.buffers.forEach((b, i) => {
    for (const [key, data] of Object.entries(b)) if (data) all[`${OPTIM}${i}/${key}`] = { shape: [data.length], data };
  });
  const shapes = new Map([...c.model.stateDict()].map(([k, t]) => [k, t.shape]));
  for (const [name, data] of c.fit.bestWeights ?? []) all[`${BEST}${name}`] = { shape: shapes.get(name) ?? [data.length], data };
  const { bestWeights: _, ...fit } = c.fit;
  const header: Header = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_FORMAT_VERSION, options: c.options,
    optimizer: { step: c.optimizer.step, lr: c.optimizer.lr, params: c.optimizer.buffers.length },
    scheduler: c.scheduler,
    // JSON has no NaN (the generator's "no cached normal" marker): null stands for it.
    fit: { ...fit, rngState: fit.rngState.map(nanToNull), loaderState: fit.loaderState.map(nanToNull) },
  };
  return encodeSafetensors(all, { ...metadata, [CHECKPOINT_FORMAT]: JSON.stringify(header) });
}

/**
 * Reads checkpoint bytes; `source` names the file in errors.
 * @throws {ModelFileError} for a truncated or corrupt file, a model file, or a checkpoint of a newer format.
 * @example const ckpt = decodeCheckpoint(readFileSync('run.ckpt'), 'run.ckpt');
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const { metadata, tensors } = decodeSafetensors(bytes, source);
  const raw = metadata[CHECKPOINT_FORMAT];
  if (raw === undefined) {
    throw new ModelFileError(source, metadata['fovea'] !== undefined
      ? 'is a fovea model file, not a training checkpoint (checkpoints are written by fovea train --checkpoint)'
      : `is a safetensors file but not a fovea training checkpoint (no "${CHECKPOINT_FORMAT}" entry in its __metadata__)`);
  }
  let h: Header;
  try {
    h = JSON.parse(raw) as Header;
  } catch {
    throw new ModelFileError(source, 'the checkpoint metadata is not valid JSON');
  }
  if (h?.format !== CHECKPOINT_FORMAT) throw new ModelFileError(source, `unknown checkpoint format '${String(h?.format)}' (expected '${CHECKPOINT_FORMAT}')`);
  if (typeof h.version !== 'number' || h.version > CHECKPOINT_FORMAT_VERSION) {
    throw new ModelFileError(source, `checkpoint format version ${String(h.version)} is newer than this fovea understands (${CHECKPOINT_FORMAT_VERSION}); upgrade fovea`);
  }
  checkHeader(h, source);
  const model = new Map<string, DecodedTensor>(), best = new Map<string, Float32Array>();
  const buffers: Record<string, Float32Array | null>[] = Array.from({ length: h.optimizer.params }, () => ({}));
  for (const [name, t] of tensors) {
    if (name.startsWith(BEST)) best.set(name.slice(BEST.length), t.data);
    else if (name.startsWith(OPTIM)) {
      const [i, key] = name.slice(OPTIM.length).split('/');
      const slot = buffers[Number(i)];
      if (!slot || !key) throw new ModelFileError(source, `optimizer tensor '${name}' does not belong to one of the ${h.optimizer.params} parameters`);
      slot[key] = t.data;
    } else model.set(name, t);
  }
  const { model: m, meta } = modelFromParts(metadata, model, source);
  const nParams = m.parameters().length;
  if (nParams !== h.optimizer.params) {
    throw new ModelFileError(source, `the optimizer state covers ${h.optimizer.params} parameters but the model has ${nParams}`);
  }
  const fit: FitState = {
    ...h.fit, rngState: h.fit.rngState.map(nullToNaN), loaderState: h.fit.loaderState.map(nullToNaN),
    bestWeights: best.size ? best : null,
  };
  return {
    model: m, meta, options: h.options, optimizer: { step: h.optimizer.step, lr: h.optimizer.lr, buffers },
    scheduler: h.scheduler, fit,
  };
}

/** Rejects a header whose fields are missing or of the wrong type, before anything uses them. */
function checkHeader(h: Header, source: string): void {
  const int = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  const words = (v: unknown, n: number): boolean => Array.isArray(v) && v.length === n && v.every((x) => x === null || typeof x === 'number');
  const f = h.fit;
  const problems: string[] = [];
  if (typeof h.options !== 'object' || h.options === null) problems.push('options');
  if (!h.optimizer || !int(h.optimizer.step) || !int(h.optimizer.params) || typeof h.optimizer.lr !== 'number') problems.push('optimizer');
  if (h.scheduler !== null && !int(h.scheduler?.lastEpoch)) problems.push('scheduler');
  if (!f || !int(f.epoch) || f.epoch < 1 || !int(f.batch)) problems.push('fit.epoch/batch');
  else {
    if (!words(f.rngState, 5) || !words(f.loaderState, 5)) problems.push('fit generator states');
    const r = f.running;
    if (!r || typeof r.lossSum !== 'number' || !int(r.correct) || !int(r.seen)) problems.push('fit.running');
    if (!Array.isArray(f.history) || !f.history.every(isEpochLog)) problems.push('fit.history');
    if (f.best !== null && (!f.best || !int(f.best.epoch) || typeof f.best.valAccuracy !== 'number' || !int(f.best.sinceBest))) problems.push('fit.best');
  }
  if (problems.length) throw new ModelFileError(source, `the checkpoint metadata is invalid (${problems.join(', ')})`);
}

function isEpochLog(e: unknown): e is EpochLog {
  return typeof e === 'object' && e !== null && Number.isInteger((e as EpochLog).epoch);
}

function nanToNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function nullToNaN(v: number | null): number {
  return v === null ? NaN : v;
}
