import { ModelFileError } from '../io-error.js';

/**
 * A TensorFlow.js layers model that fovea cannot read or convert: a model.json
 * of the wrong shape, weights that do not match their manifest, a shard path
 * outside the model's folder, or a Keras layer outside the supported set. The
 * message starts with the file (or source label), then names the layer, its
 * class and the rule that failed.
 *
 * @example
 * try { loadTfjsFile('model/model.json'); }
 * catch (e) { if (e instanceof TfjsError) console.error(e.message); }
 */
export class TfjsError extends ModelFileError {
  override name = 'TfjsError';
}
