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
import type { GradCam } from './grad-cam.js';

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
