import type { Transform } from './transform.js';

/**
 * Chains transforms, left to right, drawing from one generator, like
 * torchvision's `Compose([...])`. Takes the transforms as arguments or as one array.
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
  return (img, rng) => chain.reduce((x, t) => t(x, rng), img);
}
