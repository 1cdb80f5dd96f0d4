/** An error in the command line itself (unknown flag, bad value): printed with the usage hint. */
export class UsageError extends Error {
  override name = 'UsageError';
}
