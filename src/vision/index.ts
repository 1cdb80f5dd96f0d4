/**
 * vision (platform-free part): float images, OpenCV-style filtering with its
 * border modes, the tutorial's hand-made filters, image grids and display
 * scaling, and image decoding in the browser
 * (`decodeImage`). Node-only parts (decoding with sharp, PNG writing, kernel
 * files) are exported from `fovea/node`.
 */
export { imageToTensorData, meanIntensity, type ImageData8 } from './image.js';
export { imageF32, checkImageF32, imageF32FromData8, imageF32ToData8, type ImageF32 } from './image-f32.js';
export { filter2d, type Filter2dOptions } from './filter2d.js';
export { BORDER_MODES, borderInterpolate, parseBorderMode, type BorderMode } from './border.js';
export { checkKernel, kernelProblem, type Kernel } from './kernel.js';
export { sobelX, sobelY, blur, sharpen, laplacian, edge4, edge4Filters, gaussianKernel, boxKernel, sobel } from './filter-presets.js';
export { makeGrid, type MakeGridOptions } from './make-grid.js';
export { rescaleForDisplay, DISPLAY_MODES, type DisplayMode } from './rescale-for-display.js';
export { ImageError } from './image-error.js';
export { decodeImage, type DecodeImageOptions } from './decode-image.js';
export { coverCrop, DEFAULT_MAX_PIXELS, IMAGE_FITS, type ImageFit, type LoadImageOptions } from './load-image-options.js';
export { readImageHeader, describeImageStart, type ImageHeader } from './image-header.js';
export { resizeImage8 } from './resize-image8.js';
export { rgbToLuma8, swapRedBlue8 } from './rgb8-conversions.js';
export { modelInput, inputNotes, inputChannels, invert, colourfulness, pictureFacts, type ModelInputSpec, type ModelInputOptions, type PictureFacts } from './model-input.js';
export { topK, type RankedClass } from './top-k.js';
