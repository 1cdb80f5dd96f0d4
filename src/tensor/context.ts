/**
 * The stack of modules whose `forward` is running, so that an op deep inside a
 * model can name where it failed (`features.3`) without any cost on the happy
 * path: names are resolved only when an error message is built.
 */

/** Anything that can name its direct children (nn's Module implements this). */
export interface PathNode {
  childName(child: PathNode): string | undefined;
}

const stack: PathNode[] = [];

export function enterModule(m: PathNode): void {
  stack.push(m);
}

export function exitModule(): void {
  stack.pop();
}

/** Dotted path (`features.3`) of the innermost running module, '' at top level. */
export function modulePath(): string {
  const parts: string[] = [];
  for (let i = 1; i < stack.length; i++) {
    const parent = stack[i - 1]!;
    const name = parent.childName(stack[i]!);
    parts.push(name ?? '?');
  }
  return parts.join('.');
}

/** Runs fn with m on the module stack (unless m is already innermost). */
export function withModule<T>(m: PathNode, fn: () => T): T {
  if (stack[stack.length - 1] === m) return fn();
  stack.push(m);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}
