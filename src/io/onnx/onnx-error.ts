import { ModelFileError } from '../io-error.js';

/**
 * An ONNX model that fovea cannot read, write or convert: malformed bytes, an
 * inconsistent graph, or an operator outside the supported subset. The
 * message starts with the file (or source label), then names the node, the
 * operator and the rule that failed.
 *
 * @example
 * try { loadOnnx(bytes, 'model.onnx'); }
 * catch (e) { if (e instanceof OnnxError) console.error(e.message); }
 */
export class OnnxError extends ModelFileError {
  override name = 'OnnxError';
}
