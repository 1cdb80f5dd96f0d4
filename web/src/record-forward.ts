/**
 * One forward pass with every layer's input and output recorded: the
 * library's `recordActivations` (forward hooks, type names from the layers'
 * specs, buffers released when it returns), in the shape the page's layer
 * views, traces and layout use (shapes without the batch dim).
 */
import { recordActivations, tensor, type Module } from 'fovea';
import type { LayerRecord } from './unit-arithmetic.js';

/** A recorded layer: its dotted path (`features.0`) and type name, plus its input and output. */
export interface RecordedLayer extends LayerRecord {
  path: string;
  type: string;
}

export interface ForwardRecord {
  layers: RecordedLayer[];
  /** The model's output for the one image (logits for a classifier). */
  output: Float32Array;
}

/**
 * Runs `model` on one image and returns every layer's input and output
 * (Sequential containers and a root graph left out: their output is a child's).
 *
 * Shape: `image` is C*H*W values (already normalised), `inputShape` [C, H, W];
 * recorded shapes leave out the batch dim.
 *
 * @example
 * const { layers, output } = recordForward(model, x, [1, 28, 28]);
 * layers.map((l) => `${l.path} ${l.type} ${l.outShape}`);   // features.0 Conv2d 6,28,28 ...
 */
export function recordForward(model: Module, image: Float32Array, inputShape: readonly number[]): ForwardRecord {
  const { layers, output } = recordActivations(model, tensor(image, [1, ...inputShape]), { inputs: true });
  return {
    layers: layers.map((l) => ({
      path: l.path, type: l.type, module: l.module,
      inShape: l.inputShape!.slice(1), outShape: l.shape.slice(1), input: l.input!, output: l.data,
    })),
    output: output.data,
  };
}
