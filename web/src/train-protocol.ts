/** Messages between the page and the training worker. */
import type { ModuleSpec, SnapshotsFile } from 'fovea';

/** What to train: a built-in architecture from scratch, or a given architecture (optionally from given weights). */
export interface TrainConfig {
  /** 'lenet' | 'classic' | 'convnet', or 'current' to continue from `modelBytes`. */
  model: string;
  /** The current model's .fovea bytes, when `model` is 'current'. */
  modelBytes?: Uint8Array;
  optimizer: 'sgd' | 'adam';
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** MNIST subsets: images (N * 784 bytes) and labels. */
  train: { images: Uint8Array; labels: Uint8Array };
  test: { images: Uint8Array; labels: Uint8Array };
}

export type ToWorker =
  | { type: 'start'; config: TrainConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'started'; backend: string; threads: number; parameters: number; stepsPerEpoch: number; architecture: ModuleSpec }
  /** Every few steps: mean loss and accuracy over the steps since the last report. */
  | { type: 'progress'; step: number; epoch: number; loss: number; accuracy: number; imagesPerSecond: number }
  /** After each epoch: accuracy on the test subset. */
  | { type: 'eval'; step: number; epoch: number; testAccuracy: number; testLoss: number }
  /** The first conv layer's weights, [out, in, kH, kW]. */
  | { type: 'filters'; step: number; weights: Float32Array; shape: number[] }
  | { type: 'paused' }
  | { type: 'resumed' }
  /** Finished or stopped: the trained model as .fovea bytes, and the run's time-machine snapshots (the library's snapshots.json). */
  | { type: 'done'; reason: 'finished' | 'stopped'; step: number; model: Uint8Array; snapshots: SnapshotsFile }
  | { type: 'error'; message: string };
