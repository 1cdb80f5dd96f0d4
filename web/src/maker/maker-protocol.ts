/** Messages between the classifier maker's page and its worker. */
import type { ImageData8 } from 'fovea';

/** A backbone: the bytes of one model file (.fovea or ONNX), or a TF.js model.json with its weight files. */
export interface BackboneFiles {
  /** Shown in messages and stored in the model's training record. */
  name: string;
  files: { name: string; bytes: Uint8Array }[];
  /** Where to cut (a layer path or graph value); default: before the model's classifier head. */
  cutAt?: string;
}

/** What the worker says about a loaded backbone. */
export interface BackboneInfo {
  name: string;
  format: string;
  inputShape: [number, number, number];
  fit: 'cover' | 'fill';
  features: number;
  cutAt: string;
  parameters: number;
}

/** One photo of the user's, with the index of its class. */
export interface MakerPhoto {
  /** Stable over the page's life: the worker keeps each photo's features under it. */
  id: number;
  blob: Blob;
  name: string;
  label: number;
}

export interface MakerTrainConfig {
  classNames: string[];
  photos: MakerPhoto[];
  epochs: number;
  /** Share of each class's photos held out for validation (0 < v < 1). */
  valFraction: number;
  seed: number;
}

export type ToMaker =
  | { type: 'backbone'; backbone: BackboneFiles }
  | { type: 'train'; config: MakerTrainConfig };

/** A validation photo the head got wrong: its picture as the model saw it, and Grad-CAM of the class it chose. */
export interface Misclassified {
  id: number;
  name: string;
  actual: number;
  predicted: number;
  probability: number;
  image: ImageData8;
  cam: Float32Array;
  camLayer: string;
}

export interface MakerResult {
  /** Seconds spent computing features (0 when all came from the cache) and training the head. */
  featureSeconds: number;
  trainSeconds: number;
  /** Photos whose features came from the cache (computed for an earlier training with the same backbone). */
  cached: number;
  trainCount: number;
  valCount: number;
  /** Validation accuracy of the kept weights; null without validation photos. */
  valAccuracy: number | null;
  /** counts[actual * n + predicted] over the validation photos. */
  confusion: number[];
  bestEpoch: number;
  misclassified: Misclassified[];
  /** The whole classifier (backbone + head) as a .fovea file, and as ONNX unless `onnxError` says why not. */
  fovea: Uint8Array;
  onnx: Uint8Array | null;
  onnxError: string | null;
}

export type FromMaker =
  | { type: 'backbone'; info: BackboneInfo }
  | { type: 'features'; done: number; total: number; imagesPerSecond: number }
  | { type: 'epoch'; epoch: number; epochs: number; trainLoss: number; trainAccuracy: number; valAccuracy: number | null }
  | { type: 'done'; result: MakerResult }
  | { type: 'error'; message: string; during: 'backbone' | 'train' };
