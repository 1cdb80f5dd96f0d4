/**
 * Grad-CAM (Selvaraju et al., 2017, "Grad-CAM: Visual Explanations from Deep
 * Networks via Gradient-based Localization"): where in the picture a
 * convolutional layer found the evidence for a class. The class score's
 * gradient with respect to the layer's feature maps, averaged over each map,
 * weighs the maps; the ReLU of their weighted sum, upsampled to the input
 * size, is the heat map. Works on any model built from Modules: built-in,
 * imported ONNX and TF.js graphs alike (the layer is found by its path).
 */
import { ShapeError, ValueError, fmt } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { scope } from '../tensor/scope.js';
import { withFrozenParameters, classScoreBackward } from './class-gradient.js';

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /**
   * The module path of the layer whose maps are weighed (`features.3`, or a
   * graph node's name inside an imported model, as `fovea summary` lists
   * them). Default: the last layer whose output is a stack of maps
   * `[1, C, h, w]` with more than one position.
   */
  layer?: string;
  /** The class to explain; default the model's top class. */
  classIndex?: number;
}

/** What {@link gradCam} gives. */
export interface GradCam {
  /** The heat map at the input's size, row-major H x W, ≥ 0 (not rescaled: divide by its maximum to show it). */
  map: Float32Array;
  height: number;
  width: number;
  /** The map at the layer's own resolution, before upsampling: h x w values. */
  coarse: Float32Array;
  coarseHeight: number;
  coarseWidth: number;
  /** The layer that was weighed. */
  layer: string;
  /** The class explained, and the model's output logits. */
  classIndex: number;
  logits: Float32Array;
  /** Each map's weight: the class score's gradient averaged over the map (C values). */
  weights: Float32Array;
}

/**
 * Grad-CAM of one image for one class: `ReLU(Σ_c α_c A_c)` with
 * `α_c = mean_{i,j} ∂y_class/∂A_c[i,j]`, where `A` is the layer's output and
 * `y_class` the class's logit (before the softmax, as in the paper), upsampled
 * to the input size bilinearly (PyTorch's `F.interpolate(mode='bilinear',
 * align_corners=False)`). The model's parameters get no gradient; the
 * model's mode (train/eval) is left as it is: call `model.eval()` first, as
 * for any inference.
 *
 * Shape: `x` is `[1, C, H, W]` (normalised as the model expects); `map` is H x W.
 * @throws {ShapeError} when `x` is not one image, the layer's output is no stack of maps, or the model gives no class scores.
 * @example
 * const cam = gradCam(model, modelInput(meta, img));
 * const peak = Math.max(...cam.map);   // cam.map[y * cam.width + x] / peak in [0, 1]
 */
export function gradCam(model: Module, x: Tensor, options: GradCamOptions = {}): GradCam {
  if (x.shape.length !== 4 || x.shape[0] !== 1) throw new ShapeError('gradCam', `expected one image [1, C, H, W], got ${fmt(x.shape)}`);
  const [, , height, width] = x.shape as [number, number, number, number];
  const layer = options.layer ?? lastMapLayer(model, x);
  const target = findModule(model, layer);
  let maps: Tensor | null = null;
  // The hook swaps the layer's output for a leaf of the same values, so that backward stops there with its gradient.
  const handle = target.registerForwardHook((_m, _in, y) => {
    if (y.shape.length !== 4) throw new ShapeError('gradCam', `layer '${layer}' outputs ${fmt(y.shape)}; Grad-CAM weighs a stack of maps [1, C, h, w]`);
    maps = y.detach().requiresGrad_(true);
    return maps;
  });
  try {
    return withFrozenParameters(model, () => scope(() => {
      const { classIndex, logits } = classScoreBackward(model, x, options.classIndex, 'gradCam');
      if (maps === null) throw new ValueError(`gradCam: layer '${layer}' did not run in the model's forward`);
      const a = maps as Tensor;
      const [, c, h, w] = a.shape as [number, number, number, number];
      const grad = a.grad?.data ?? new Float32Array(a.numel());
      const weights = new Float32Array(c);
      const coarse = new Float32Array(h * w);
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let i = 0; i < h * w; i++) s += grad[k * h * w + i]!;
        weights[k] = s / (h * w);
      }
      for (let k = 0; k < c; k++) {
        const wk = weights[k]!;
        for (let i = 0; i < h * w; i++) coarse[i] = coarse[i]! + wk * a.data[k * h * w + i]!;
      }
      for (let i = 0; i < coarse.length; i++) coarse[i] = Math.max(0, coarse[i]!);
      return {
        map: upsampleBilinear(coarse, h, w, height, width), height, width, coarse, coarseHeight: h, coarseWidth: w,
        layer, classIndex, logits, weights,
      };
    }));
  } finally {
    handle.remove();
  }
}

/** The path of the last module (not a container) whose output is `[1, C, h, w]` with h·w > 1. */
export function lastMapLayer(model: Module, x: Tensor): string {
  const found: string[] = [];
  const handles = [...model.namedModules()]
    .filter(([path, m]) => path !== '' && [...m.children()].length === 0)
    .map(([path, m]) => m.registerForwardHook((_m, _in, y) => {
      if (y.shape.length === 4 && y.shape[2]! * y.shape[3]! > 1) found.push(path);
    }));
  try {
    withFrozenParameters(model, () => scope(() => void model.forward(x)));
  } finally {
    for (const h of handles) h.remove();
  }
  const last = found[found.length - 1];
  if (last === undefined) throw new ShapeError('gradCam', 'the model has no layer whose output is a stack of maps [1, C, h, w] with more than one position; Grad-CAM needs a convolutional layer');
  return last;
}

function findModule(model: Module, path: string): Module {
  for (const [p, m] of model.namedModules()) if (p === path) return m;
  const paths = [...model.namedModules()].map(([p]) => p).filter((p) => p !== '');
  const ends = paths.filter((p) => p.endsWith(`.${path}`));
  if (ends.length === 1) return findModule(model, ends[0]!);
  const listed = paths.length > 12 ? `its last 12 of ${paths.length} layers (all: fovea summary): ..., ${paths.slice(-12).join(', ')}` : `its layers: ${paths.join(', ')}`;
  throw new ValueError(`gradCam: no layer '${path}' in the model${ends.length > 1 ? `; it ends ${ends.length} paths: ${ends.join(', ')}` : `; ${listed}`}`);
}

/**
 * Bilinear resize of one h x w map to H x W, as PyTorch's
 * `F.interpolate(mode='bilinear', align_corners=False)`: the source
 * coordinate of output pixel i is `(i + 0.5) · h / H − 0.5`, clamped at 0.
 * @example upsampleBilinear(Float32Array.of(0, 1, 2, 3), 2, 2, 4, 4)
 */
export function upsampleBilinear(src: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW);
  const axis = (n: number, size: number, outSize: number): [number, number, number] => {
    const s = Math.max(0, ((n + 0.5) * size) / outSize - 0.5);
    const i0 = Math.min(Math.floor(s), size - 1);
    return [i0, Math.min(i0 + 1, size - 1), s - i0];
  };
  for (let y = 0; y < outH; y++) {
    const [y0, y1, fy] = axis(y, h, outH);
    for (let x = 0; x < outW; x++) {
      const [x0, x1, fx] = axis(x, w, outW);
      const top = src[y0 * w + x0]! * (1 - fx) + src[y0 * w + x1]! * fx;
      const bottom = src[y1 * w + x0]! * (1 - fx) + src[y1 * w + x1]! * fx;
      out[y * outW + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
