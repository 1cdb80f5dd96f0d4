/** An error in the command line itself (unknown flag, bad value): printed with the usage hint. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The command has already told the user what happened and wants the process
 * to end with `code` (e.g. 130 after an interrupted training run saved its
 * checkpoint); nothing more is printed.
 */
export class CommandExit extends Error {
  override name = 'CommandExit';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
