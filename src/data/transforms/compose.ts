import { withSpec, type Transform, type TransformSpec } from './transform.js';

/**
 * Chains transforms, left to right, drawing from one generator, like
 * torchvision's `Compose([...])`. Takes the transforms as arguments or as one array.
 *
 * The result carries a `spec` (so it can be rebuilt in a worker thread) when
 * every transform of the chain has one.
 *
 * Shape: whatever the chain makes of `[C, H, W]`.
 *
 * @example
 * const augment = compose(randomHorizontalFlip(), randomRotation(15), colorJitter({ brightness: 0.2 }));
 * const same = compose([randomHorizontalFlip(), randomRotation(15)]);
 */
export function compose(...transforms: (Transform | readonly Transform[])[]): Transform {
  const chain = transforms.flat();
  chain.forEach((t, i) => {
    if (typeof t !== 'function') throw new TypeError(`compose: transform ${i} is ${typeof t}, not a function (img, rng) => img`);
  });
  const run = (img: Parameters<Transform>[0], rng: Parameters<Transform>[1]): ReturnType<Transform> => chain.reduce((x, t) => t(x, rng), img);
  const specs = chain.map((t) => t.spec);
  return specs.every((s): s is TransformSpec => s !== undefined) ? withSpec(run, 'compose', specs) : run;
}
