/**
 * `--backbone SOURCE`: a pretrained network to start from, with the input
 * size and normalisation it was trained with. A .fovea file, an ONNX file,
 * a TF.js layers model (model.json) or a model shipped in an npm package
 * (`nsfwjs:mobilenet_v2`).
 */
import { existsSync } from 'node:fs';
import { loadAnyModel } from '../../io/load-any-model-node.js';
import type { Module } from '../../nn/module.js';
import { UsageError } from '../cli-error.js';

export interface BackboneSource {
  model: Module;
  /** [C, H, W] the network was trained on. */
  inputShape: [number, number, number];
  /** Per-channel mean/std on [0, 1] pixels the network expects. */
  normalize: { mean: number[]; std: number[] };
  /** Where the normalisation came from, for the log. */
  normalizeFrom: string;
  /** The argument as given. */
  source: string;
}

/** What --backbone takes, as lines for --help (the error message joins them). */
export const BACKBONE_SYNTAX = `MODEL.fovea (its stored input size and normalisation),
MODEL.onnx, a TF.js layers or graph model (model.json or its folder), or
nsfwjs:NAME, a MobileNetV2 in the nsfwjs npm package: mobilenet_v2
(ImageNet-initialised, its last blocks trained for nsfwjs) or
mobilenet_v2_mid (TF Hub's ImageNet MobileNetV2 1.4 under one Dense layer)`;

type Normalization = { mean: number[]; std: number[] };

/** Loads `--backbone` (any model `loadAnyModel` reads). ONNX and TF.js files without metadata carry no normalisation: pixels in [0, 1] unless `--mean/--std` give it. */
export async function loadBackboneSource(spec: string, normalize?: Normalization): Promise<BackboneSource> {
  if (!spec.startsWith('nsfwjs:') && !existsSync(spec)) throw new UsageError(`--backbone: no such file '${spec}' (expected ${BACKBONE_SYNTAX.replace(/\s+/g, ' ')})`);
  const { model, meta, stored, format, source } = loadAnyModel(spec);
  // --mean/--std win; else the backbone's own normalisation; else plain [0, 1] pixels.
  const [norm, from] = normalize ? [normalize, '--mean/--std']
    : stored.normalize ? [meta.normalize, format === 'tfjs-layers' || format === 'tfjs-graph' ? 'metadata.json (Teachable Machine: x / 127 - 1)' : format === 'nsfwjs' ? 'nsfwjs' : source]
    : [meta.normalize, 'none given: pixels in [0, 1]'];
  return { model, inputShape: meta.inputShape, normalize: norm, normalizeFrom: from, source: spec };
}
