/**
 * The mistakes view's computation, off the page's thread: the model on the
 * page's test digits with the library's `evaluate` (keeping the surest
 * images of every confusion-matrix cell, as `fovea eval --report` does),
 * then `testMistakes` for their probabilities, saliency and Grad-CAM, as
 * sprite sheets and JSON. One job per worker; the page mounts the result.
 */
import { DataLoader, ImageDataset, evaluate, loadModelBytes, testMistakes } from 'fovea';
import { setUpBackend } from './backend-setup.js';
import type { FromMistakesWorker, MistakesJob } from './mistakes-protocol.js';

/** The surest images kept per cell: as many as `fovea eval --report` keeps. */
const EXAMPLES_PER_CELL = 16;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

setUpBackend({});
const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<MistakesJob>) => void) | null; postMessage(m: FromMistakesWorker, transfer?: Transferable[]): void };

scope.onmessage = (e) => {
  try {
    const m = run(e.data);
    scope.postMessage(m, m.type === 'done' ? Object.values(m.widget.images).map((i) => i.data.buffer) : []);
  } catch (err) {
    scope.postMessage({ type: 'error', message: (err as Error).message ?? String(err) });
  }
};

function run({ modelBytes, name, test }: MistakesJob): FromMistakesWorker {
  const t0 = performance.now();
  const { model, meta } = loadModelBytes(modelBytes, name);
  const [c, h, w] = meta.inputShape;
  const classes = model.outputShape([1, c, h, w])[1];
  const count = test.labels.length;
  if (c !== 1 || h !== 28 || w !== 28 || classes !== 10) {
    throw new Error(`${name} takes [${meta.inputShape.join(', ')}] and gives ${classes} classes; the page's test set is ${count.toLocaleString('en-US')} MNIST digits (1 x 28 x 28, 10 classes): open or train a digit model`);
  }
  const set = new ImageDataset(test.images, test.labels, [1, 28, 28], DIGITS);
  const r = evaluate(model, new DataLoader(set, { batchSize: 250, normalize: meta.normalize }), 10, { examplesPerCell: EXAMPLES_PER_CELL });
  const { html, style, data, images } = testMistakes(model, set, r, meta);
  return {
    type: 'done', accuracy: r.accuracy, count, ms: performance.now() - t0,
    widget: { html, style, data, images: { images: images['images']!, saliency: images['saliency']!, gradcam: images['gradcam']! } },
  };
}
