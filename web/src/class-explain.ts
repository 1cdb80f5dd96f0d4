/**
 * Why a class, for a photo: its Grad-CAM over the picture (which regions of
 * the last feature maps raise the class's score), with the colour legend,
 * beside its saliency (which single pixels move the score most). Both come
 * from fovea's `gradCam` and `saliency`, drawn with `heatmapOverlay` and
 * `legendStrip`.
 */
import { heatmapOverlay, jet, legendStrip, toRgba, type GradCam, type ImageData8 } from 'fovea';
import { el, fmt } from './dom.js';

export class ClassExplainView {
  constructor(private readonly container: HTMLElement) {}

  /** Hides the view (no class chosen). */
  clear(): void {
    this.container.hidden = true;
    this.container.replaceChildren();
    delete this.container.dataset['class'];
  }

  /** Shows class `name`'s Grad-CAM and saliency over `image` (the model's input picture). */
  show(image: ImageData8, cam: GradCam, saliencyMap: Float32Array, name: string, probability: number): void {
    const camMax = max(cam.map);
    const salMax = max(saliencyMap);
    const camCanvas = canvasOf(heatmapOverlay(image, cam.map, { colorMap: jet, alpha: 0.6 }), 'grad-cam', `Grad-CAM of ${name}`);
    const salCanvas = canvasOf(heatmapOverlay(image, saliencyMap, { colorMap: jet, alpha: 0.8 }), 'saliency-map', `saliency of ${name}`);
    camCanvas.dataset['max'] = String(camMax);
    camCanvas.dataset['layer'] = cam.layer;
    this.container.replaceChildren(
      el('h3', {}, 'Why ', el('strong', {}, name), ` (${(100 * probability).toFixed(1)}%)?`),
      el('div', { class: 'explain-figures' },
        el('figure', {}, camCanvas, canvasOf(legendStrip(jet, [0, camMax], { width: 120, barHeight: 8 }), 'grad-cam-legend', 'Grad-CAM colour scale'),
          el('figcaption', {}, 'Grad-CAM at ', el('code', {}, cam.layer), ': where the last feature maps raise this class\'s score')),
        el('figure', {}, salCanvas, canvasOf(legendStrip(jet, [0, salMax], { width: 120, barHeight: 8 }), 'saliency-legend', 'saliency colour scale'),
          el('figcaption', {}, 'Saliency: |∂score/∂pixel|, the pixels that move it most'))),
      el('p', { class: 'hint' }, `Red is hot (Grad-CAM up to ${fmt(camMax)}); where the map is cold the photo shows through untouched.`),
    );
    this.container.dataset['class'] = name;
    this.container.hidden = false;
  }
}

function canvasOf(img: ImageData8, id: string, label: string): HTMLCanvasElement {
  const canvas = el('canvas', { id, width: img.width, height: img.height, 'aria-label': label });
  canvas.getContext('2d')!.putImageData(new ImageData(toRgba(img) as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
  return canvas;
}

function max(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, v);
  return m;
}
