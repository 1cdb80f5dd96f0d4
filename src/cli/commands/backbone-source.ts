/**
 * `--backbone SOURCE`: a pretrained network to start from, with the input
 * size and normalisation it was trained with. A .fovea file, an ONNX file,
 * a TF.js layers model (model.json) or a model shipped in an npm package
 * (`nsfwjs:mobilenet_v2`).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../io/model-file-node.js';
import { loadOnnxFile } from '../../io/onnx/onnx-file-node.js';
import { loadTfjsFile } from '../../io/tfjs/load-tfjs-node.js';
import { loadNsfwjsModel } from '../../io/tfjs/nsfwjs-node.js';
import { normalizationFromMetadata } from '../../io/tfjs/tfjs-metadata.js';
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

export const BACKBONE_SYNTAX = `MODEL.fovea (its stored input size and normalisation), MODEL.onnx, a TF.js
                        layers or graph model (model.json or its folder), or nsfwjs:NAME, a
                        MobileNetV2 in the nsfwjs npm package: mobilenet_v2 (ImageNet-initialised,
                        its last blocks trained for nsfwjs) or mobilenet_v2_mid (TF Hub's
                        ImageNet MobileNetV2 1.4 under one Dense layer)`;

type Normalization = { mean: number[]; std: number[] };

/** Loads `--backbone`. ONNX and TF.js files carry no normalisation: pixels in [0, 1] unless `--mean/--std` give it. */
export async function loadBackboneSource(spec: string, normalize?: Normalization): Promise<BackboneSource> {
  // --mean/--std win; else the backbone's own normalisation; else plain [0, 1] pixels.
  const source = (model: Module, inputShape: [number, number, number], own: Normalization | null, ownFrom: string): BackboneSource => {
    const c = inputShape[0];
    const [norm, from] = normalize ? [normalize, '--mean/--std'] : own ? [own, ownFrom]
      : [{ mean: new Array<number>(c).fill(0), std: new Array<number>(c).fill(1) }, 'none given: pixels in [0, 1]'];
    return { model, inputShape, normalize: norm, normalizeFrom: from, source: spec };
  };
  if (spec.startsWith('nsfwjs:')) {
    const loaded = loadNsfwjsModel(spec.slice('nsfwjs:'.length));
    return source(loaded.model, loaded.inputShape, loaded.normalize, 'nsfwjs');
  }
  if (!existsSync(spec)) throw new UsageError(`--backbone: no such file '${spec}' (expected ${BACKBONE_SYNTAX.replace(/\s+/g, ' ')})`);
  if (/\.fovea$/i.test(spec)) {
    const { model, meta } = loadModel(spec);
    return source(model, meta.inputShape, meta.normalize, spec);
  }
  if (/\.onnx$/i.test(spec)) {
    const loaded = loadOnnxFile(spec);
    return source(loaded.model, loaded.inputShape, null, '');
  }
  if (/\.json$/i.test(spec) || (statSync(spec).isDirectory() && existsSync(join(spec, 'model.json')))) {
    const loaded = loadTfjsFile(spec);
    return source(loaded.model, loaded.inputShape, normalizationFromMetadata(loaded.metadata, loaded.inputShape[0]), 'metadata.json (Teachable Machine: x / 127 - 1)');
  }
  throw new UsageError(`--backbone: cannot tell the format of '${spec}'; expected ${BACKBONE_SYNTAX.replace(/\s+/g, ' ')}`);
}
