/**
 * Errors a user can act on. Every op checks shapes before it dispatches a
 * kernel, so every backend raises the same error with the same message.
 */

/** Base class of every error fovea throws on purpose. */
export class FoveaError extends Error {
  override name = 'FoveaError';
}

/**
 * A shape rule of an op was broken. The message names the op, the module path
 * (when raised inside a module's forward), the rule and the full shapes:
 * `conv2d (features.3): input has 1 channel but weight [16, 3, 3, 3] with groups=1 expects 3; input shape [8, 1, 28, 28]`.
 */
export class ShapeError extends FoveaError {
  override name = 'ShapeError';
  constructor(
    readonly op: string,
    readonly rule: string,
    readonly modulePath: string = '',
  ) {
    super(`${op}${modulePath ? ` (${modulePath})` : ''}: ${rule}`);
  }
}

/** A value (not a shape) was out of range: a negative stride, a label >= classes, a NaN loss. */
export class ValueError extends FoveaError {
  override name = 'ValueError';
}

/** Formats a shape the way PyTorch users read it: `[8, 1, 28, 28]`. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A problem with a file (or another named source): the message is
 * `${file}: ${problem}`, optionally followed by a hint on a new line.
 * DataError, ModelFileError and ImageError are its kinds.
 */
export class FileError extends FoveaError {
  override name = 'FileError';
  constructor(
    /** The file, URL or source label the problem is about, as the caller named it. */
    readonly file: string,
    /** What is wrong, without the file name. */
    readonly problem: string,
    /** How to fix it, when there is something to say. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint === undefined ? `${file}: ${problem}` : `${file}: ${problem}\n${hint}`, options);
  }
}
