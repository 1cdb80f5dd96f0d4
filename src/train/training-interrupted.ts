import { FoveaError } from '../errors.js';
import type { FitState } from './fit.js';

/**
 * Thrown by `fit()` when its `signal` stops a run (e.g. on SIGINT): the
 * current step has finished and `onCheckpoint` has been called with `state`,
 * so passing `state` back as `fit({ resume })` continues exactly there.
 *
 * @example
 * try { await fit(model, { ...o, signal }); }
 * catch (e) { if (e instanceof TrainingInterrupted) console.log(`stopped at epoch ${e.state.epoch}`); else throw e; }
 */
export class TrainingInterrupted extends FoveaError {
  override name = 'TrainingInterrupted';
  /**
   * @param phase where the run was: in the training loop, in the final test
   *   evaluation (after the last epoch's checkpoint), or saving the model file
   *   (which was then completed: it is written atomically).
   */
  constructor(readonly state: FitState, readonly phase: 'train' | 'test' | 'save' = 'train') {
    super(phase === 'train' ? `training interrupted in epoch ${state.epoch} after batch ${state.batch}`
      : `training interrupted ${phase === 'test' ? 'during the test evaluation' : 'while saving the model'}, after its last epoch`);
  }
}
