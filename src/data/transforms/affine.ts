/**
 * Affine warps of float CHW images about the image centre: torchvision's
 * `F.affine` and `F.rotate` on tensors, with the same inverse-matrix
 * convention, sampling grid and fill rule, so a given angle, translation,
 * scale and shear give torchvision's pixels.
 */
import { ValueError } from '../../errors.js';
import { checkImageF32, type ImageF32 } from '../../vision/image-f32.js';
import { roundHalfEven } from '../../vision/round.js';
import type { Interpolation } from './resize.js';
import { fillPerChannel } from './util.js';

/** The parameters of one affine warp, torchvision's `F.affine` arguments. */
export interface AffineParams {
  /** Rotation in degrees, clockwise (y points down); default 0. */
  angle?: number;
  /** Translation [tx, ty] in pixels (right, down); default [0, 0]. */
  translate?: readonly [number, number];
  /** Scale factor (> 0); default 1. */
  scale?: number;
  /** Shear angles in degrees, [x, y] (one number is [x, 0]); default [0, 0]. */
  shear?: number | readonly [number, number];
  /** Default `'bilinear'` (torchvision's own default is nearest). */
  interpolation?: Interpolation;
  /**
   * Value of pixels that come from outside the image, one number or one per
   * channel. Omitted: plain zero padding, as `F.affine(fill=None)`. Given:
   * torchvision's masked fill, `out = sampled * m + (1 - m) * fill` with m
   * the in-image share of each sample (nearest: fill where m < 0.5).
   */
  fill?: number | readonly number[];
  /** Centre of rotation, scaling and shear in pixel coordinates [x, y]; default the image centre [W / 2, H / 2]. */
  center?: readonly [number, number];
}

/**
 * torchvision's `_get_inverse_affine_matrix(center, angle, translate, scale, shear)`:
 * the 2x3 matrix `[a, b, c, d, e, f]` that maps an OUTPUT point to the INPUT
 * point it samples, `M⁻¹ = C · RSS⁻¹ · C⁻¹ · T⁻¹`, where the forward map is
 * `M = T · C · R(angle) · S(scale) · SHy(shear_y) · SHx(shear_x) · C⁻¹`
 * (angles in degrees, coordinates relative to the image centre for tensors).
 *
 * @example inverseAffineMatrix([0, 0], 90, [0, 0], 1, [0, 0]); // ≈ [0, 1, 0, -1, 0, 0]
 */
export function inverseAffineMatrix(
  center: readonly [number, number], angle: number, translate: readonly [number, number], scale: number, shear: readonly [number, number],
): [number, number, number, number, number, number] {
  const rad = Math.PI / 180;
  const rot = angle * rad;
  const sx = shear[0] * rad;
  const sy = shear[1] * rad;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  // RSS without scaling; its determinant is 1.
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((v) => v / scale) as [number, number, number, number, number, number];
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

/**
 * Applies an affine warp about the image centre, keeping the size, as
 * torchvision's `F.affine(img, angle, translate, scale, shear, interpolation, fill)`
 * on a float tensor: every output pixel centre is mapped through
 * {@link inverseAffineMatrix} and sampled with `grid_sample(align_corners=False)`.
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @throws {ValueError} for a non-positive scale, non-finite parameters or a fill of the wrong length.
 * @example
 * affineImage(img, { translate: [3, 0] });            // shift 3 pixels right, zeros enter on the left
 * affineImage(img, { angle: 30, scale: 1.2, fill: 0 });
 */
export function affineImage(img: ImageF32, params: AffineParams): ImageF32 {
  checkImageF32(img, 'affine');
  const angle = params.angle ?? 0;
  const translate = params.translate ?? [0, 0];
  const scale = params.scale ?? 1;
  const shear: readonly [number, number] = typeof params.shear === 'number' ? [params.shear, 0] : params.shear ?? [0, 0];
  if (!(scale > 0) || !Number.isFinite(scale)) throw new ValueError(`affine: scale is ${scale}; expected a positive number`);
  if (![angle, ...translate, ...shear].every(Number.isFinite)) {
    throw new ValueError(`affine: angle ${angle}, translate [${translate.join(', ')}], shear [${shear.join(', ')}] must all be finite numbers`);
  }
  const { height, width } = img;
  const center: [number, number] = params.center ? [params.center[0] - width * 0.5, params.center[1] - height * 0.5] : [0, 0];
  const matrix = inverseAffineMatrix(center, angle, translate, scale, shear);
  return warp(img, matrix, params.interpolation ?? 'bilinear', params.fill === undefined ? null : fillPerChannel(params.fill, img.channels, 'affine'));
}

/**
 * Rotates the image by `angle` degrees COUNTER-clockwise about its centre,
 * keeping the size (corners are cut, the uncovered area filled), as
 * torchvision's `F.rotate(img, angle, interpolation, expand=False, fill=fill)`.
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @example rotateImage(img, 90);    // a quarter turn to the left
 */
export function rotateImage(img: ImageF32, angle: number, options: Pick<AffineParams, 'interpolation' | 'fill' | 'center'> = {}): ImageF32 {
  // torchvision: "due to current incoherence of rotation angle direction between affine and rotate implementations we need to set -angle".
  return affineImage(img, { ...options, angle: -angle });
}

/**
 * Samples `img` at the points the inverse matrix gives for each output pixel
 * centre: torchvision's `_gen_affine_grid` followed by `_apply_grid_transform`.
 */
function warp(img: ImageF32, m: readonly number[], interpolation: Interpolation, fill: readonly number[] | null): ImageF32 {
  const { channels, height: h, width: w, data } = img;
  const out = new Float32Array(data.length);
  const plane = h * w;
  // The grid is computed in float32, step by step as torch does (theta / (size / 2), then the
  // base-grid product, then grid_sample's unnormalisation), so that nearest-neighbour ties at
  // exact half pixels (a 90° turn of an even-sized image) fall the same way as in torchvision.
  const f = Math.fround;
  const halfW = f(0.5 * w);
  const halfH = f(0.5 * h);
  const [r0, r1, r2] = [m[0]!, m[1]!, m[2]!].map((v) => f(f(v) / halfW)) as [number, number, number];
  const [q0, q1, q2] = [m[3]!, m[4]!, m[5]!].map((v) => f(f(v) / halfH)) as [number, number, number];
  for (let y = 0; y < h; y++) {
    // Output pixel centres relative to the image centre.
    const yb = y - h * 0.5 + 0.5;
    for (let x = 0; x < w; x++) {
      const xb = x - w * 0.5 + 0.5;
      const gx = f(f(f(xb * r0) + f(yb * r1)) + r2);
      const gy = f(f(f(xb * q0) + f(yb * q1)) + q2);
      // grid_sample, align_corners=False: ((g + 1) * size - 1) / 2, in input pixel units.
      const ix = f(f(f(gx + 1) * w) - 1) / 2;
      const iy = f(f(f(gy + 1) * h) - 1) / 2;
      const o = y * w + x;
      if (interpolation === 'nearest') {
        const nx = roundHalfEven(ix);
        const ny = roundHalfEven(iy);
        const inside = nx >= 0 && nx < w && ny >= 0 && ny < h;
        for (let c = 0; c < channels; c++) out[c * plane + o] = inside ? data[c * plane + ny * w + nx]! : fill ? fill[c]! : 0;
        continue;
      }
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const fx = ix - x0;
      const fy = iy - y0;
      // Corner weights, zeroed for corners outside the image (grid_sample's zero padding).
      const inX0 = x0 >= 0 && x0 < w;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
      const inY0 = y0 >= 0 && y0 < h;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
      const w00 = inY0 && inX0 ? (1 - fx) * (1 - fy) : 0;
      const w01 = inY0 && inX1 ? fx * (1 - fy) : 0;
      const w10 = inY1 && inX0 ? (1 - fx) * fy : 0;
      const w11 = inY1 && inX1 ? fx * fy : 0;
      const mask = w00 + w01 + w10 + w11;
      const i00 = y0 * w + x0;
      for (let c = 0; c < channels; c++) {
        const base = c * plane + i00;
        let v = 0;
        if (w00 !== 0) v += w00 * data[base]!;
        if (w01 !== 0) v += w01 * data[base + 1]!;
        if (w10 !== 0) v += w10 * data[base + w]!;
        if (w11 !== 0) v += w11 * data[base + w + 1]!;
        // torchvision blends with the fill by the sampled mask, on top of the zero padding already in v.
        out[c * plane + o] = fill ? v * mask + (1 - mask) * fill[c]! : v;
      }
    }
  }
  return { channels, height: h, width: w, data: out };
}
