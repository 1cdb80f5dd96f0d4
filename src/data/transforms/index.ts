/**
 * Image transforms with torchvision's names and semantics, as plain
 * functions `(img, rng) => img` on float CHW images ({@link ImageF32}).
 * Platform-free.
 */
export type { Transform, TransformSpec } from './transform.js';
export { rebuildTransform } from './rebuild-transform.js';
export { compose } from './compose.js';
export { toTensor } from './to-tensor.js';
export { normalize } from './normalize.js';
export { grayscale } from './grayscale.js';
export { resize, resizeImage, resizedSize, type Interpolation } from './resize.js';
export { centerCrop } from './center-crop.js';
export { randomCrop, type RandomCropOptions } from './random-crop.js';
export { randomHorizontalFlip } from './random-horizontal-flip.js';
export { randomVerticalFlip } from './random-vertical-flip.js';
export { randomRotation, type RandomRotationOptions } from './random-rotation.js';
export { randomAffine, affineSampler, type RandomAffineOptions, type AffineDraw } from './random-affine.js';
export { randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop.js';
export { colorJitter, type ColorJitterOptions } from './color-jitter.js';
export { affineImage, rotateImage, inverseAffineMatrix, type AffineParams } from './affine.js';
export { cropImage, padImage, hflipImage, vflipImage, type Padding, type PaddingMode } from './geometry.js';
export { rgbToGrayscale, adjustBrightness, adjustContrast, adjustSaturation, adjustHue, LUMA_WEIGHTS } from './color.js';
export { parseTransforms, parseSteps, TRANSFORM_SYNTAX, type TransformStep } from './parse-transforms.js';
export type { ImageF32 } from '../../vision/image-f32.js';
