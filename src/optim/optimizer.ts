/**
 * The optimiser base: holds parameters and per-parameter state buffers, and
 * exposes `lr` for schedulers. Updates run as in-place kernels
 * ('sgdStep', 'adamStep'), so they stay on the active backend.
 */
import { FoveaError, ValueError } from '../errors.js';
import { zeros } from '../tensor/ops/creation.js';
import { clearGrad, type Tensor } from '../tensor/tensor.js';

export abstract class Optimizer {
  readonly params: Tensor[];
  /** Current learning rate (schedulers change it). */
  lr: number;
  /** The learning rate at construction (schedulers scale from it). */
  readonly initialLr: number;
  /** Number of steps taken. */
  stepCount = 0;

  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    if (this.params.length === 0) throw new FoveaError('optimizer got an empty parameter list');
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new ValueError(`invalid learning rate: ${lr}`);
    this.lr = lr;
    this.initialLr = lr;
  }

  /** Applies one update from the parameters' current `.grad` (parameters without grad are skipped). */
  abstract step(): void;

  /** Clears the parameters' gradients (to null, or zero-filled in place). */
  zeroGrad(setToNone = true): void {
    for (const p of this.params) clearGrad(p, setToNone);
  }

  /** State buffers and counters, for checkpoints. */
  abstract stateDict(): { step: number; lr: number; buffers: Record<string, Float32Array | null>[] };
  abstract loadStateDict(state: { step: number; lr: number; buffers: Record<string, Float32Array | null>[] }): void;
}

/**
 * A zero-filled buffer the size of p, owned by the optimiser: long-lived
 * state, so it lives where the update kernel reads it in place (see
 * keepStorage), not copied in and out on every step.
 */
export function stateBuffer(p: Tensor): Float32Array {
  return zeros([p.numel()]).keep().data;
}
