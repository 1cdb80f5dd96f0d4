/** Real MNIST test digits to pick from: each a button showing the digit. */
import { el } from './dom.js';
import { firstOfEachClass, type DigitSet } from './mnist-subset.js';

/**
 * Fills `container` with one button per picked digit (two of each class);
 * `onPick` gets the digit's 28x28 bytes, its label and its index in the test split.
 */
export function renderSamplePicker(container: HTMLElement, set: DigitSet, onPick: (pixels: Uint8Array, label: number, index: number) => void): void {
  const buttons = firstOfEachClass(set, 2).map((i) => {
    const pixels = set.images.subarray(i * 784, (i + 1) * 784);
    const label = set.labels[i]!;
    const canvas = el('canvas', { width: 28, height: 28 });
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(28, 28);
    for (let k = 0; k < 784; k++) img.data.set([pixels[k]!, pixels[k]!, pixels[k]!, 255], 4 * k);
    ctx.putImageData(img, 0, 0);
    const b = el('button', { type: 'button', class: 'sample', 'data-label': label, 'data-index': i, title: `MNIST test image ${i} (a ${label})`, 'aria-label': `MNIST test digit ${label}` }, canvas);
    b.addEventListener('click', () => onPick(pixels, label, i));
    return b;
  });
  container.replaceChildren(...buttons);
}
