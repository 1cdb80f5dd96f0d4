/**
 * Every mistake one click away, in the page: the current model (on a
 * button) or the model just trained in the page (when its run ends) on the
 * app's 1,000 MNIST test digits, as the clickable confusion matrix of the
 * training report. A worker computes the library's mistakes widget
 * (mistakes-worker.ts); the page inserts its markup and style and mounts it
 * with the library's `mountMistakesView`, the same code report.html runs.
 */
import { mountMistakesView, toRgba, type ImageData8, type MistakesSprites } from 'fovea';
import { byId } from './dom.js';
import { loadDigits } from './mnist-subset.js';
import type { FromMistakesWorker, MistakesJob } from './mistakes-protocol.js';

export class MistakesPanel {
  private worker: Worker | null = null;
  /** Calls of show() so far: only the latest one's worker may draw. */
  private runs = 0;
  private readonly card = byId('mistakes');
  private readonly status = byId('mistakes-status');
  private readonly view = byId('mistakes-view');
  private readonly button = byId<HTMLButtonElement>('mistakes-run');

  /** @param currentModel the page's model as .fovea bytes and its name, or why there is none */
  constructor(currentModel: () => { bytes: Uint8Array; name: string } | string) {
    this.button.addEventListener('click', () => {
      const m = currentModel();
      if (typeof m === 'string') this.say(m, 'error');
      else void this.show(m.bytes, m.name);
    });
  }

  /** Finds the mistakes of a model (.fovea or ONNX bytes) on the test digits and shows them. */
  async show(bytes: Uint8Array, name: string): Promise<void> {
    this.worker?.terminate();
    this.worker = null;
    const run = ++this.runs;
    this.button.disabled = true;
    this.say(`finding the mistakes of ${name} on the test digits…`, 'running');
    let test;
    try {
      test = await loadDigits('test');
    } catch (e) {
      return this.end(`could not load the test digits: ${(e as Error).message}`, 'error');
    }
    // A later call (the button, a run that ended) took over while the digits loaded.
    if (run !== this.runs) return;
    const job: MistakesJob = { modelBytes: bytes.slice(), name, test: { images: test.images.slice(), labels: test.labels.slice() } };
    const worker = new Worker(new URL('./mistakes-worker.ts', import.meta.url), { type: 'module', name: 'fovea-mistakes' });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<FromMistakesWorker>) => {
      if (worker === this.worker) this.receive(e.data, name);
    };
    worker.onerror = (e) => {
      if (worker === this.worker) this.end(`the mistakes worker failed: ${e.message || 'unknown error'}`, 'error');
    };
    worker.postMessage(job, [job.modelBytes.buffer, job.test.images.buffer, job.test.labels.buffer]);
  }

  private receive(m: FromMistakesWorker, name: string): void {
    if (m.type === 'error') return this.end(m.message, 'error');
    const { widget } = m;
    if (!document.getElementById('mistakes-style')) {
      const style = document.createElement('style');
      style.id = 'mistakes-style';
      style.textContent = widget.style;
      document.head.append(style);
    }
    // The library builds the markup with every text escaped (class names included).
    this.view.innerHTML = widget.html;
    const sprites: MistakesSprites = { images: dataUrl(widget.images.images), saliency: dataUrl(widget.images.saliency), gradcam: dataUrl(widget.images.gradcam) };
    mountMistakesView(this.view, widget.data, sprites);
    const n = widget.data.classNames.length;
    const wrong = widget.data.counts.reduce((sum, c, k) => sum + (Math.floor(k / n) === k % n ? 0 : c), 0);
    this.card.dataset['ms'] = String(Math.round(m.ms));
    this.card.dataset['model'] = name;
    this.end(`${name} on ${m.count.toLocaleString('en-US')} test digits: ${(100 * m.accuracy).toFixed(1)}% right, ${wrong} mistake${wrong === 1 ? '' : 's'} ` +
      `(found in ${(m.ms / 1000).toFixed(1)} s in a Web Worker). Click a cell: its digits, the surest first; click one for its probabilities, saliency and Grad-CAM.`, 'ready');
  }

  private end(text: string, state: 'ready' | 'error'): void {
    this.worker?.terminate();
    this.worker = null;
    this.button.disabled = false;
    this.say(text, state);
  }

  private say(text: string, state: 'running' | 'ready' | 'error'): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', state === 'error');
    this.card.dataset['state'] = state;
  }
}

/** A sprite sheet as a PNG data URL (the page's CSP allows data: images). */
function dataUrl(img: ImageData8): string {
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(toRgba(img)), img.width, img.height), 0, 0);
  return canvas.toDataURL('image/png');
}
