/**
 * The picture `fovea explain --gradcam` writes for one class: the image as
 * the model sees it beside its Grad-CAM heat map laid over it, with a colour
 * legend and a title naming the class, its probability and the layer.
 * Platform-free (a Canvas; Node encodes it as PNG).
 */
import type { ImageData8 } from '../vision/image.js';
import { textWidth } from '../vision/render/bitmap-font.js';
import { upscale, type Canvas } from '../vision/render/canvas.js';
import { jet } from '../vision/render/colormap.js';
import { composeGrid } from '../vision/render/grid.js';
import { heatmapOverlay } from '../vision/render/heatmap-overlay.js';
import { legendStrip } from '../vision/render/legend.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { topK } from '../vision/top-k.js';
import { gradCam, type GradCam } from './grad-cam.js';
import { safeFileName, type PageFigure, type PageSection } from './html-page.js';

/**
 * The figure of one Grad-CAM: `image` (the model's input as a picture, the
 * map's size) and its overlay, enlarged by a whole factor to at least
 * `minSide` pixels (default 224), titled `title`.
 *
 * Shape: `image` is `[cam.height, cam.width, C]`.
 * @example await writePng('rose.gradcam.roses.png', gradCamFigure(image, gradCam(model, x), 'roses 85.6 %'));
 */
export function gradCamFigure(image: ImageData8, cam: GradCam, title: string, o: { minSide?: number } = {}): Canvas {
  if (image.width !== cam.width || image.height !== cam.height) {
    throw new RangeError(`gradCamFigure: the image is ${image.height} x ${image.width} but the map ${cam.height} x ${cam.width}`);
  }
  const factor = Math.max(1, Math.ceil((o.minSide ?? 224) / Math.max(image.width, image.height)));
  const max = Math.max(0, ...cam.map);
  const overlay = heatmapOverlay(image, cam.map, { colorMap: jet, max });
  // Imported graphs have long layer names: keep the end that fits above the tile.
  let layer = cam.layer;
  while (layer.length > 1 && textWidth(`Grad-CAM at ...${layer}`) > image.width * factor) layer = layer.slice(1);
  const label = layer === cam.layer ? `Grad-CAM at ${layer}` : `Grad-CAM at ...${layer}`;
  return composeGrid(
    [{ image: upscale(image, factor), label: 'input' }, { image: upscale(overlay, factor), label }],
    { title, columns: 2, footer: legendStrip(jet, [0, max], { width: 160 }) },
  );
}

/** Options of {@link gradCamSection}. */
export interface GradCamSectionOptions {
  /** Class indices to explain, in order (default: the top `topK`). */
  classes?: readonly number[];
  /** How many top classes when `classes` is not given (default 3). */
  topK?: number;
  /** The layer whose maps are weighed (default: the last layer giving maps; see {@link gradCam}). */
  layer?: string;
}

/**
 * A page section (for `writePage` / `pageHtml`) with one Grad-CAM figure per
 * class: `gradcam-<rank>-<class>.png`, the picture beside its heat map.
 *
 * Shape: `x` is `[1, C, H, W]`, `image` the same picture as bytes `[H, W, C]`.
 * @example page.sections.push(gradCamSection(model, x, image, probabilities, meta.classNames, { topK: 3 }));
 */
export function gradCamSection(model: Module, x: Tensor, image: ImageData8, probabilities: ArrayLike<number>, classNames: readonly string[], o: GradCamSectionOptions = {}): PageSection {
  const classes = o.classes ?? topK(probabilities, o.topK ?? 3, classNames).map((r) => r.index);
  const figures: PageFigure[] = classes.map((k, rank) => {
    const cam = gradCam(model, x, { classIndex: k, ...(o.layer !== undefined ? { layer: o.layer } : {}) });
    const label = `${classNames[k]} ${(100 * probabilities[k]!).toFixed(1)}%`;
    return {
      file: `gradcam-${rank + 1}-${safeFileName(classNames[k]!)}.png`,
      caption: `Grad-CAM for ${label}: where the maps of ${cam.layer} hold the evidence for this class (red: most)`,
      content: gradCamFigure(image, cam, label),
    };
  });
  return {
    heading: 'Grad-CAM',
    text: 'Each class\'s score, differentiated with respect to the last convolutional maps; each map weighted by its average gradient; the positive part of the weighted sum, enlarged to the picture (Selvaraju et al., 2017).',
    figures,
  };
}
