/**
 * Cases with known outcomes, for run-fuzz.test.ts: the runner must tell a
 * clean error and a correct result from a crash, a lie, a leaked internal and
 * a hang, and carry on after each.
 */
import { ValueError } from '../../errors.js';
import type { FuzzCase, FuzzRandom } from './fuzz-case.js';

export function* cases(r: FuzzRandom): Generator<FuzzCase> {
  yield { name: 'clean error', names: 'x.png', run: () => { throw new ValueError('x.png: not an image'); } };
  yield { name: 'crash', names: 'x.png', run: () => (null as unknown as { a: number }).a };
  yield { name: 'accepted what must be refused', names: 'x.png', run: () => 1 };
  yield { name: 'leaks an internal', names: 'x.png', run: () => { throw new ValueError('x.png: (spec.children ?? []).map is not a function'); } };
  yield { name: 'does not name the file', names: 'x.png', run: () => { throw new ValueError('something is wrong'); } };
  yield { name: 'hang', names: 'x.png', run: () => { for (;;) r.int(2); } };
  yield { name: 'wrong result', names: 'x.png', run: () => [NaN], check: (v) => (Number.isFinite((v as number[])[0]) ? null : 'NaN in the output') };
  yield { name: 'correct result', names: 'x.png', run: async () => [1], check: (v) => (Number.isFinite((v as number[])[0]) ? null : 'NaN in the output') };
}
