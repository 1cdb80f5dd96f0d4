import { ValueError } from '../../errors.js';
import { rgbToGrayscale } from './color.js';
import { withSpec, type Transform } from './transform.js';

/**
 * torchvision's `Grayscale(num_output_channels)` with the luma weights of
 * OpenCV and PIL, `0.299 R + 0.587 G + 0.114 B`; 3 output channels repeat
 * the luma (for a colour model fed gray images).
 *
 * Shape: `[1 | 3, H, W]` → `[numOutputChannels, H, W]`.
 *
 * @example const gray = grayscale(1)(photo, rng); // [3, H, W] → [1, H, W]
 */
export function grayscale(numOutputChannels: 1 | 3 = 1): Transform {
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new ValueError(`grayscale: numOutputChannels is ${String(numOutputChannels)}; expected 1 or 3`);
  return withSpec((img) => rgbToGrayscale(img, numOutputChannels), 'grayscale', [numOutputChannels]);
}
