/**
 * The classifier maker (maker.html): a backbone (the shipped flowers convnet
 * or any model the user opens), classes of the user's own photos (files,
 * folders, webcam), training of a new head in a Web Worker with live
 * curves, the validation result with Grad-CAM of every mistake, and the
 * classifier to download as .fovea and .onnx. Everything runs in the page:
 * no photo leaves the machine.
 */
import '../styles.css';
import '../pages.css';
import './maker.css';
import { byId } from '../dom.js';
import { wireWebcam } from '../photo-source.js';
import { ClassList } from './class-list.js';
import type { BackboneFiles, BackboneInfo, FromMaker, MakerResult } from './maker-protocol.js';
import { accuracySentence, makerCharts, showResults, type EpochPoint } from './maker-results.js';
import { filesOfDrop, filesOfInput } from './picked-files.js';

/**
 * The shipped backbone: the flowers convnet cut after its conv layers, their maps globally averaged (64 features).
 * Measured with the maker's recipe, 18 photos per class, on the 54 held-out photos of its own test split:
 * 77.8 % (daisy/sunflowers/tulips) and 66.7 % (daisy/dandelion/roses), against 74.1 % and 53.7 % for its flattened 16,384.
 */
const SHIPPED: BackboneFiles & { url: string } = { url: './models/flowers.fovea', name: 'flowers.fovea', files: [], cutAt: 'features' };

const body = document.body;
const status = byId('maker-status');
const trainButton = byId<HTMLButtonElement>('maker-train');
const show = (id: string, message: string | null): void => {
  const box = byId(id);
  box.textContent = message ?? '';
  box.hidden = message === null;
};

const worker = new Worker(new URL('./maker-worker.ts', import.meta.url), { type: 'module', name: 'fovea-maker' });
let backbone: BackboneInfo | null = null;
let training = false;
let points: EpochPoint[] = [];
let downloads: string[] = [];

const classes = new ClassList(byId('classes'), () => refresh(), (m) => show('photo-error', m));

function refresh(): void {
  const photos = classes.photos().length;
  body.dataset['photos'] = String(photos);
  trainButton.disabled = training || !backbone || photos === 0;
  const target = byId('capture-target');
  target.textContent = `captures go to “${classes.targetName}”`;
}

function loadBackbone(b: BackboneFiles): void {
  backbone = null;
  delete body.dataset['backbone'];
  refresh();
  byId('backbone-info').textContent = `opening ${b.name}…`;
  show('backbone-error', null);
  worker.postMessage({ type: 'backbone', backbone: b }, b.files.map((f) => f.bytes.buffer));
}

worker.onmessage = (e: MessageEvent<FromMaker>): void => {
  const m = e.data;
  if (m.type === 'backbone') {
    backbone = m.info;
    const [c, h, w] = m.info.inputShape;
    byId('backbone-info').textContent = `${m.info.name} (${m.info.format}): ${c}×${h}×${w} input, fit “${m.info.fit}”, cut at '${m.info.cutAt}', ` +
      `${m.info.features.toLocaleString('en-US')} features per photo, ${m.info.parameters.toLocaleString('en-US')} frozen parameters.`;
    body.dataset['backbone'] = m.info.name;
    refresh();
  } else if (m.type === 'features') {
    status.textContent = `features: ${m.done}/${m.total} photos through the backbone (${m.imagesPerSecond.toFixed(1)} photos/s)`;
  } else if (m.type === 'epoch') {
    points.push(m);
    status.textContent = `training the head: epoch ${m.epoch}/${m.epochs}, train loss ${m.trainLoss.toFixed(3)}` +
      (m.valAccuracy !== null ? `, validation accuracy ${(100 * m.valAccuracy).toFixed(1)}%` : '');
    const charts = makerCharts(points);
    byId('maker-loss').innerHTML = charts.loss;
    byId('maker-accuracy').innerHTML = charts.accuracy;
  } else if (m.type === 'done') {
    finished(m.result);
  } else if (m.type === 'error') {
    if (m.during === 'backbone') {
      show('backbone-error', m.message);
      byId('backbone-info').textContent = 'no backbone';
    } else {
      show('maker-error', m.message);
      status.textContent = '';
      training = false;
      body.dataset['state'] = 'error';
    }
    refresh();
  }
};

let trainedNames: string[] = [];
trainButton.addEventListener('click', () => {
  const epochs = Number(byId<HTMLInputElement>('maker-epochs').value);
  const valFraction = Number(byId<HTMLSelectElement>('maker-val').value);
  const seed = Number(byId<HTMLInputElement>('maker-seed').value);
  show('maker-error', null);
  trainedNames = classes.classNames;
  const photos = classes.photos().map(({ photo, label }) => ({ id: photo.id, blob: photo.file, name: photo.file.name, label }));
  training = true;
  points = [];
  body.dataset['state'] = 'training';
  byId('maker-results').hidden = true;
  status.textContent = 'starting…';
  refresh();
  worker.postMessage({ type: 'train', config: { classNames: trainedNames, photos, epochs, valFraction, seed } });
});

function finished(r: MakerResult): void {
  training = false;
  const featureNote = r.featureSeconds ? `features of ${r.trainCount + r.valCount - r.cached} photos in ${r.featureSeconds.toFixed(1)} s` : 'all features from the cache';
  status.textContent = `done: ${featureNote}${r.featureSeconds && r.cached ? ` (${r.cached} from the cache)` : ''}, head trained in ${r.trainSeconds.toFixed(1)} s.`;
  const acc = byId('val-accuracy');
  acc.textContent = accuracySentence(r, trainedNames.length);
  acc.dataset['value'] = String(r.valAccuracy ?? '');
  showResults(byId('confusion'), byId('misclassified'), r, trainedNames);
  for (const url of downloads) URL.revokeObjectURL(url);
  downloads = [];
  const link = (id: string, bytes: Uint8Array | null): void => {
    const a = byId<HTMLAnchorElement>(id);
    if (!bytes) {
      a.removeAttribute('href');
      a.setAttribute('aria-disabled', 'true');
      return;
    }
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    downloads.push(url);
    a.href = url;
    a.removeAttribute('aria-disabled');
  };
  link('download-fovea', r.fovea);
  link('download-onnx', r.onnx);
  byId('download-note').textContent = `${(r.fovea.length / 1024).toFixed(0)} KB .fovea${r.onnx ? `, ${(r.onnx.length / 1024).toFixed(0)} KB .onnx` : ''}: ` +
    `the backbone and the new head in one file, with the class names, input size and normalisation; run it with \`fovea predict MODEL photo.jpg\`` +
    (r.onnxError ? `. No ONNX file: ${r.onnxError}` : '.');
  nameDownloads();
  byId('maker-results').hidden = false;
  body.dataset['state'] = 'trained';
  refresh();
}

/** The download names follow the name field (characters a file name cannot hold become '-'). */
function nameDownloads(): void {
  const name = byId<HTMLInputElement>('model-name').value.trim().replace(/[^\w.-]+/g, '-') || 'my-classifier';
  byId<HTMLAnchorElement>('download-fovea').download = `${name}.fovea`;
  byId<HTMLAnchorElement>('download-onnx').download = `${name}.onnx`;
}
byId('model-name').addEventListener('input', nameDownloads);

// The backbone: the shipped one, or the files the user opens.
const choice = byId<HTMLSelectElement>('backbone-choice');
const fetchShipped = async (): Promise<void> => {
  try {
    const r = await fetch(SHIPPED.url);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    loadBackbone({ ...SHIPPED, files: [{ name: SHIPPED.name, bytes: new Uint8Array(await r.arrayBuffer()) }] });
  } catch (e) {
    show('backbone-error', `the shipped backbone ${SHIPPED.url} could not be fetched: ${(e as Error).message}`);
  }
};
choice.addEventListener('change', () => {
  if (choice.value === 'flowers') void fetchShipped();
});
const backboneFile = byId<HTMLInputElement>('backbone-file');
backboneFile.addEventListener('change', async () => {
  const picked = filesOfInput(backboneFile);
  backboneFile.value = '';
  if (!picked.length) return;
  const files = await Promise.all(picked.map(async ({ file }) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })));
  const name = picked.length === 1 ? picked[0]!.file.name : picked.find((p) => /\.json$/i.test(p.file.name) && !/metadata/i.test(p.file.name))?.file.name ?? picked[0]!.file.name;
  let opened = choice.querySelector<HTMLOptionElement>('option[value="opened"]');
  if (!opened) choice.append(opened = Object.assign(document.createElement('option'), { value: 'opened' }));
  opened.textContent = `opened: ${name}`;
  choice.value = 'opened';
  loadBackbone({ name, files });
});

// Photos: a folder of class folders, drops anywhere on the page, the webcam.
const folder = byId<HTMLInputElement>('folder-file');
folder.addEventListener('change', () => {
  const files = filesOfInput(folder);
  folder.value = '';
  classes.addPicked(files);
});
byId('add-class').addEventListener('click', () => classes.addClass());
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  if (e.dataTransfer) classes.addPicked(await filesOfDrop(e.dataTransfer));
});
let captures = 0;
wireWebcam({ start: byId('webcam'), capture: byId('capture'), video: byId('webcam-video') },
  (blob) => classes.addToTarget(new File([blob], `webcam-${++captures}.png`, { type: 'image/png' })), (m) => show('photo-error', m));
// The capture target is named beside the Capture button while the camera runs.
new MutationObserver(() => (byId('capture-target').hidden = byId('capture').hidden)).observe(byId('capture'), { attributes: true, attributeFilter: ['hidden'] });

refresh();
await fetchShipped();
body.dataset['ready'] = 'true';
