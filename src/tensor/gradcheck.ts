/**
 * Finite-difference gradient checking, as torch.autograd.gradcheck, adapted to
 * a float32 engine: the function's output is reduced to a scalar by a fixed
 * random weighting L = sum(w * fn(...inputs)) accumulated in float64, and each
 * analytic gradient element dL/dx[i] (from `backward`) is compared with the
 * central difference (L(x + eps) - L(x - eps)) / (2 eps).
 *
 * Why these defaults: float32 outputs carry a relative rounding error of about
 * 6e-8, which a central difference divides by 2 eps; eps = 1e-2 keeps that
 * noise near 1e-5 while the truncation error (eps^2 f''' / 6) stays near
 * 1e-5 for smooth ops. Keep inputs further than eps from kinks (relu at 0,
 * ties in max) or the difference straddles the kink.
 */
import { FoveaError, fmt } from '../errors.js';
import { noGrad } from './grad-mode.js';
import { Generator } from '../util/random.js';
import { scope } from './scope.js';
import { Tensor } from './tensor.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-2). */
  eps?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Relative tolerance, against the numeric gradient (default 1e-2). */
  rtol?: number;
  /** Seed of the output weighting and of element sampling (default 0). */
  seed?: number;
  /** Check at most this many elements of each input, picked at random (default: all). */
  maxElements?: number;
  /**
   * For piecewise-smooth functions (relu, max pooling): a key naming the
   * smooth piece the last evaluation of fn fell in (e.g. the relu sign
   * pattern, read by forward hooks). An element whose +eps or -eps
   * evaluation lands in another piece is skipped and counted in `skipped`:
   * a central difference across a kink is wrong however small eps is.
   */
  region?: () => string;
}

export interface GradcheckMismatch {
  /** Position of the input in `inputs`. */
  input: number;
  /** Flat index of the element. */
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Number of gradient elements compared. */
  checked: number;
  /** Elements skipped because a perturbation crossed into another `region`. */
  skipped: number;
  /** Largest |analytic - numeric| seen. */
  maxAbsError: number;
  mismatches: GradcheckMismatch[];
  /** A readable summary (the worst mismatches when not ok). */
  message: string;
}

/**
 * Checks the gradients of `fn` with respect to every input that has
 * `requiresGrad`, by central differences. `fn` must be deterministic (reseed
 * any generator inside it, e.g. for dropout). Inputs are perturbed in place
 * and restored; their `.grad` is left as it was.
 *
 * @example
 * const x = randn([2, 3], { requiresGrad: true });
 * const r = gradcheck((a) => a.tanh().sum(1), [x]);
 * if (!r.ok) throw new Error(r.message);
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-2;
  const atol = opts.atol ?? 1e-3;
  const rtol = opts.rtol ?? 1e-2;
  const gen = new Generator(opts.seed ?? 0);
  const checkedInputs = inputs.map((t, i) => [t, i] as const).filter(([t]) => t.requiresGrad);
  if (checkedInputs.length === 0) throw new FoveaError('gradcheck: no input has requiresGrad, so there is nothing to check');

  const { weights, analytic } = analyticGradients(fn, inputs, checkedInputs.map(([t]) => t), gen);
  const baseRegion = opts.region?.();
  const loss = (): number =>
    scope(() => noGrad(() => {
      const y = fn(...inputs);
      if (y.numel() !== weights.length) throw new FoveaError(`gradcheck: fn is not deterministic in shape: got ${fmt(y.shape)}`);
      const d = y.data;
      let s = 0;
      for (let i = 0; i < d.length; i++) s += weights[i]! * d[i]!;
      return s;
    }));

  const mismatches: GradcheckMismatch[] = [];
  let checked = 0;
  let skipped = 0;
  let maxAbsError = 0;
  checkedInputs.forEach(([t, inputIndex], k) => {
    const d = t.data;
    for (const i of sampleIndices(t.numel(), opts.maxElements, gen)) {
      const orig = d[i]!;
      d[i] = orig + eps;
      const hi = d[i]!; // the float32 value actually used
      const up = loss();
      const upRegion = opts.region?.();
      d[i] = orig - eps;
      const lo = d[i]!;
      const down = loss();
      const downRegion = opts.region?.();
      d[i] = orig;
      if (upRegion !== baseRegion || downRegion !== baseRegion) {
        skipped++;
        continue;
      }
      const numeric = (up - down) / (hi - lo);
      const a = analytic[k]![i]!;
      const err = Math.abs(a - numeric);
      checked++;
      if (!(err <= maxAbsError)) maxAbsError = err;
      if (!(err <= atol + rtol * Math.abs(numeric))) mismatches.push({ input: inputIndex, index: i, analytic: a, numeric });
    }
  });
  const ok = mismatches.length === 0;
  const message = describe(ok, checked, skipped, maxAbsError, mismatches, inputs, { eps, atol, rtol });
  return { ok, checked, skipped, maxAbsError, mismatches, message };
}

/** Runs fn once with gradients on and backpropagates the weighting; restores the inputs' previous `.grad`. */
function analyticGradients(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], targets: Tensor[], gen: Generator): {
  weights: Float32Array; analytic: Float64Array[];
} {
  const saved = targets.map((t) => t.grad);
  for (const t of targets) t.grad = null;
  try {
    return scope(() => {
      const y = fn(...inputs);
      const weights = new Float32Array(y.numel());
      for (let i = 0; i < weights.length; i++) weights[i] = 2 * gen.random() - 1;
      if (!y.requiresGrad) throw new FoveaError('gradcheck: the output of fn does not require grad (no checked input reaches it)');
      y.backward(new Tensor(weights, y.shape));
      // an input the output does not depend on has gradient 0
      return { weights, analytic: targets.map((t) => (t.grad ? Float64Array.from(t.grad.data) : new Float64Array(t.numel()))) };
    });
  } finally {
    targets.forEach((t, i) => (t.grad = saved[i]!));
  }
}

function sampleIndices(size: number, max: number | undefined, gen: Generator): number[] {
  const all = Array.from({ length: size }, (_, i) => i);
  if (max === undefined || max >= size) return all;
  return Array.from(gen.permutation(size).subarray(0, max)).sort((a, b) => a - b);
}

function describe(
  ok: boolean, checked: number, skipped: number, maxAbs: number, mismatches: GradcheckMismatch[], inputs: Tensor[],
  tol: { eps: number; atol: number; rtol: number },
): string {
  const head = `gradcheck: ${checked} elements checked${skipped ? ` (${skipped} skipped at kinks)` : ''}, ` +
    `max |analytic - numeric| = ${maxAbs.toExponential(2)} ` +
    `(eps ${tol.eps}, tolerance abs ${tol.atol} + rel ${tol.rtol})`;
  if (ok) return head;
  const worst = [...mismatches].sort((a, b) => Math.abs(b.analytic - b.numeric) - Math.abs(a.analytic - a.numeric)).slice(0, 8);
  const lines = worst.map((m) =>
    `  input ${m.input} ${fmt(inputs[m.input]!.shape)} [${m.index}]: analytic ${m.analytic.toPrecision(6)}, numeric ${m.numeric.toPrecision(6)}`);
  return `${head}; ${mismatches.length} mismatches, worst:\n${lines.join('\n')}`;
}
