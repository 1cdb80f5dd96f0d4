/** Messages between the page and the mistakes worker. */
import type { ImageData8, MistakesViewData } from 'fovea';

/** A model (.fovea or ONNX bytes; `name` labels it in messages) and the test digits to find its mistakes on. */
export interface MistakesJob {
  modelBytes: Uint8Array;
  name: string;
  /** MNIST digits: images (N * 784 bytes) and labels. */
  test: { images: Uint8Array; labels: Uint8Array };
}

export type FromMistakesWorker =
  /** The library's mistakes widget (`testMistakes`) without its report-page script, the test accuracy and how long it took. */
  | { type: 'done'; widget: { html: string; style: string; data: MistakesViewData; images: Record<'images' | 'saliency' | 'gradcam', ImageData8> }; accuracy: number; count: number; ms: number }
  | { type: 'error'; message: string };
