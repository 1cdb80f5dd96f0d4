/**
 * Kahn's algorithm, shared by the TF.js layers-model and graph-model
 * importers: names in an order where each comes after everything it
 * depends on. What cannot be ordered (a cycle, or what waits on one) is
 * returned as `stuck`, for the caller's error message.
 */

/**
 * @param names every name, in the file's order (ties keep it)
 * @param deps the names each one depends on (every entry must be in `names`; a repeated one counts twice)
 * @example topoOrder(['b', 'a'], (n) => (n === 'b' ? ['a'] : [])) // { order: ['a', 'b'], stuck: [] }
 */
export function topoOrder(names: readonly string[], deps: (name: string) => readonly string[]): { order: string[]; stuck: string[] } {
  const waiting = new Map<string, number>();
  const users = new Map<string, string[]>();
  for (const n of names) {
    const d = deps(n);
    waiting.set(n, d.length);
    for (const i of d) {
      const u = users.get(i);
      if (u) u.push(n);
      else users.set(i, [n]);
    }
  }
  const order = names.filter((n) => waiting.get(n) === 0);
  for (let k = 0; k < order.length; k++) {
    for (const u of users.get(order[k]!) ?? []) {
      const left = waiting.get(u)! - 1;
      waiting.set(u, left);
      if (left === 0) order.push(u);
    }
  }
  return { order, stuck: order.length === names.length ? [] : names.filter((n) => waiting.get(n)! > 0) };
}
