/**
 * Training in the page: pick a model, optimiser, learning rate and epochs,
 * train on the shipped MNIST digits in a Web Worker, and watch the loss and
 * accuracy curves grow and the first layer's filters change. Pause, resume
 * and stop at any time; a finished (or stopped) model can be explored in
 * the page or saved as a .fovea file.
 */
import { parseSnapshots } from 'fovea';
import { byId, el, fmt } from './dom.js';
import { drawFilterTiles } from './filter-tiles.js';
import { showSnapshots } from './snapshot-viewer.js';
import { loadDigits } from './mnist-subset.js';
import { testAccuracySentence, trainCharts, type TrainPoint } from './train-charts.js';
import type { FromWorker, ToWorker, TrainConfig } from './train-protocol.js';

export class TrainPanel {
  private worker: Worker | null = null;
  private points: TrainPoint[] = [];
  private testCount = 0;
  private trained: Uint8Array | null = null;
  private readonly status = byId('train-status');
  private readonly lossChart = byId('loss-chart');
  private readonly accChart = byId('accuracy-chart');
  private readonly filters = byId('train-filters');
  private readonly start = byId<HTMLButtonElement>('train-start');
  private readonly pause = byId<HTMLButtonElement>('train-pause');
  private readonly stop = byId<HTMLButtonElement>('train-stop');
  private readonly explore = byId<HTMLButtonElement>('train-explore');
  private readonly save = byId<HTMLButtonElement>('train-save');

  /**
   * @param currentModel the .fovea bytes of the model the page shows (for "continue training the current model")
   * @param onExplore opens the trained model in the page
   * @param onTrained gets the trained model when a run ends (finished or stopped)
   */
  constructor(private readonly currentModel: () => Uint8Array | null, private readonly onExplore: (bytes: Uint8Array) => void, private readonly onTrained: (bytes: Uint8Array) => void = () => {}) {
    const opt = byId<HTMLSelectElement>('train-optimizer');
    const lr = byId<HTMLInputElement>('train-lr');
    opt.addEventListener('change', () => (lr.value = opt.value === 'adam' ? '0.001' : '0.02'));
    this.start.addEventListener('click', () => void this.begin());
    this.pause.addEventListener('click', () => this.send(this.pause.dataset['state'] === 'paused' ? { type: 'resume' } : { type: 'pause' }));
    this.stop.addEventListener('click', () => this.send({ type: 'stop' }));
    this.explore.addEventListener('click', () => this.trained && this.onExplore(this.trained));
    this.save.addEventListener('click', () => this.download());
    this.setRunning(false);
    this.draw();
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private async begin(): Promise<void> {
    const model = byId<HTMLSelectElement>('train-model').value;
    const optimizer = byId<HTMLSelectElement>('train-optimizer').value === 'adam' ? 'adam' : 'sgd';
    const lr = Number(byId<HTMLInputElement>('train-lr').value);
    const epochs = Number(byId<HTMLInputElement>('train-epochs').value);
    const batchSize = Number(byId<HTMLInputElement>('train-batch').value);
    if (!(lr > 0 && lr < 10)) return this.say('learning rate: a number between 0 and 10, e.g. 0.02', true);
    if (!(Number.isInteger(epochs) && epochs >= 1 && epochs <= 50)) return this.say('epochs: a whole number from 1 to 50', true);
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 512)) return this.say('batch size: a whole number from 1 to 512', true);
    const modelBytes = model === 'current' ? this.currentModel() : null;
    if (model === 'current' && !modelBytes) return this.say('no current model to continue from', true);
    this.setRunning(true);
    this.say('loading the MNIST digits…');
    let train, test;
    try {
      [train, test] = await Promise.all([loadDigits('train'), loadDigits('test')]);
    } catch (e) {
      this.setRunning(false);
      return this.say(`could not load the training digits: ${(e as Error).message}`, true);
    }
    this.points = [];
    this.testCount = test.labels.length;
    this.trained = null;
    this.draw();
    const config: TrainConfig = {
      model, optimizer, lr, epochs, batchSize, seed: 1,
      ...(modelBytes ? { modelBytes } : {}),
      train: { images: train.images.slice(), labels: train.labels.slice() },
      test: { images: test.images.slice(), labels: test.labels.slice() },
    };
    this.worker?.terminate();
    const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'fovea-train' });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    worker.onerror = (e) => {
      this.say(`the training worker failed: ${e.message || 'unknown error'}`, true);
      this.finish();
    };
    worker.postMessage({ type: 'start', config } satisfies ToWorker, [config.train.images.buffer, config.train.labels.buffer, config.test.images.buffer, config.test.labels.buffer]);
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'started':
        this.say(`training ${m.parameters.toLocaleString('en')} parameters on the ${m.backend} backend (${m.threads} thread${m.threads === 1 ? '' : 's'}) in a Web Worker, ${m.stepsPerEpoch} steps per epoch`);
        byId('train').dataset['threads'] = String(m.threads);
        break;
      case 'progress':
        this.points.push({ step: m.step, loss: m.loss, accuracy: m.accuracy });
        this.say(`epoch ${m.epoch}, step ${m.step}: loss ${fmt(m.loss)}, batch accuracy ${(100 * m.accuracy).toFixed(1)}%, ${Math.round(m.imagesPerSecond)} images/s`);
        this.draw();
        break;
      case 'eval': {
        const last = this.points[this.points.length - 1];
        if (last && last.step === m.step) Object.assign(last, { test: m.testAccuracy, epoch: m.epoch });
        else this.points.push({ step: m.step, loss: NaN, accuracy: NaN, test: m.testAccuracy, epoch: m.epoch });
        this.draw();
        this.say(`epoch ${m.epoch} done: test accuracy ${(100 * m.testAccuracy).toFixed(1)}% on ${this.testCount.toLocaleString('en-US')} test digits`);
        break;
      }
      case 'filters':
        drawFilterTiles(this.filters, m.weights, m.shape);
        this.filters.dataset['step'] = String(m.step);
        break;
      case 'paused':
        this.pause.textContent = 'Resume';
        this.pause.dataset['state'] = 'paused';
        this.say(`paused at step ${this.points[this.points.length - 1]?.step ?? 0}`);
        break;
      case 'resumed':
        this.pause.textContent = 'Pause';
        this.pause.dataset['state'] = 'running';
        break;
      case 'done':
        this.trained = m.model;
        // The run's time machine, in the card that also opens a report's snapshots.json.
        showSnapshots(byId('snapshots-view'), parseSnapshots(m.snapshots, 'this training run'));
        this.say(`${m.reason} after ${m.step} steps. ${testAccuracySentence(this.points, this.testCount, m.step)} Explore the trained model or save it; its mistakes are below.`);
        this.finish();
        this.onTrained(m.model);
        break;
      case 'error':
        this.say(`training failed: ${m.message}`, true);
        this.finish();
        break;
    }
  }

  private finish(): void {
    this.worker?.terminate();
    this.worker = null;
    this.setRunning(false);
  }

  private setRunning(running: boolean): void {
    this.start.disabled = running;
    this.pause.disabled = this.stop.disabled = !running;
    this.pause.textContent = 'Pause';
    this.pause.dataset['state'] = 'running';
    this.explore.disabled = this.save.disabled = running || !this.trained;
    byId('train').dataset['state'] = running ? 'running' : this.trained ? 'done' : 'idle';
  }

  private draw(): void {
    const charts = trainCharts(this.points);
    this.lossChart.innerHTML = charts.loss;
    this.accChart.innerHTML = charts.accuracy;
    this.lossChart.dataset['points'] = String(this.points.filter((p) => Number.isFinite(p.loss)).length);
    this.accChart.dataset['points'] = String(this.points.length);
  }

  private download(): void {
    if (!this.trained) return;
    const url = URL.createObjectURL(new Blob([this.trained as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    const a = el('a', { href: url, download: 'trained-in-page.fovea' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }
}
