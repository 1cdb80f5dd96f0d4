/**
 * The explainer page: opens the model the server offers at ./model.fovea
 * (`fovea serve MODEL`), or the digit model shipped with the app, and wires
 * the sample digits, the model choice and picker, photos and training.
 */
import './styles.css';
import { setUpBackend } from './backend-setup.js';
import { byId } from './dom.js';
import { Explainer } from './explainer.js';
import { MistakesPanel } from './mistakes-panel.js';
import { loadDigits } from './mnist-subset.js';
import { wireModelPicker } from './model-picker.js';
import { wirePhotoSources } from './photo-source.js';
import { wirePixelReadout } from './pixel-readout.js';
import { renderSamplePicker } from './sample-picker.js';
import { stickWhenFits } from './sticky-fit.js';
import { showFirstDigit, Tour } from './story.js';
import { wireSnapshotViewer } from './snapshot-viewer.js';
import { TrainPanel } from './train-panel.js';

setUpBackend();
const app = new Explainer();
const photoError = (m: string): void => {
  const box = byId('photo-error');
  box.textContent = m;
  box.hidden = false;
};
const openPhoto = (blob: Blob, name: string): void => void app.openPhoto(blob, name);
wireModelPicker(byId<HTMLInputElement>('model-file'), document.body, (bytes, name) => app.load(bytes, name), (m) => app.error(m), (f) => openPhoto(f, f.name));
wirePhotoSources(openPhoto, photoError);
wireSnapshotViewer(byId<HTMLInputElement>('snapshots-file'), byId('snapshots-view'));

// The models shipped with the app; another one (served, opened, trained) shows as an extra choice.
const SHIPPED: Record<string, string> = { digits: './models/digits.fovea', flowers: './models/flowers.fovea' };
const choice = byId<HTMLSelectElement>('model-choice');
const other = document.createElement('option');
other.value = 'other';
const showChoice = (): void => {
  const name = app.session?.name ?? '';
  const shipped = Object.keys(SHIPPED).find((k) => `${k}.fovea` === name);
  if (shipped) {
    other.remove();
    choice.value = shipped;
  } else {
    other.textContent = name;
    choice.append(other);
    choice.value = 'other';
  }
};
choice.addEventListener('change', async () => {
  const url = SHIPPED[choice.value];
  if (url) await app.loadUrl(url, `${choice.value}.fovea`);
  showChoice();
});
new MutationObserver(showChoice).observe(document.body, { attributes: true, attributeFilter: ['data-model'] });
const mistakes = new MistakesPanel(() => {
  if (!app.session) return 'no model is open';
  const bytes = app.currentBytes();
  return bytes ? { bytes, name: app.session.name } : `${app.session.name} cannot be written as a .fovea file, which the mistakes worker reads`;
});
new TrainPanel(() => app.currentBytes(), (bytes) => {
  if (app.load(bytes, 'trained in the page')) byId('explore').scrollIntoView({ behavior: 'smooth' });
}, (bytes) => void mistakes.show(bytes, 'the model trained in the page'));

new Tour(app, byId('tour-start'));
stickWhenFits(document.querySelector<HTMLElement>('.explore > .left')!);
wirePixelReadout(byId('input-view'), () => app.modelInput);

loadDigits('test').then(
  (set) => {
    renderSamplePicker(byId('samples'), set, (pixels) => app.pickSample(pixels));
    showFirstDigit(app, set);
  },
  (e: unknown) => (byId('samples').textContent = `sample digits unavailable: ${(e as Error).message}`),
);

// `fovea serve MODEL` puts the model at ./model.fovea (./model.onnx for ONNX); `vite` dev/preview has only the shipped one.
let opened = false;
for (const [url, name] of [['./model.fovea', 'model.fovea'], ['./model.onnx', 'model.onnx'], ['./models/digits.fovea', 'digits.fovea']] as const) {
  const r = await fetch(url, { method: 'HEAD' }).catch(() => null);
  // a dev server answers unknown paths with its index.html
  if (!r?.ok || r.headers.get('content-type')?.includes('text/html')) continue;
  opened = await app.loadUrl(url, url === './model.fovea' ? await shippedName(r) : name);
  break;
}

/** Plain `fovea serve` serves a shipped model as ./model.fovea: it is named as shipped when its bytes are the same. */
async function shippedName(served: Response): Promise<string> {
  const size = served.headers.get('content-length');
  for (const [key, url] of Object.entries(SHIPPED)) {
    const r = await fetch(url, { method: 'HEAD' }).catch(() => null);
    if (!r?.ok || !size || r.headers.get('content-length') !== size) continue;
    const [a, b] = await Promise.all([fetch('./model.fovea'), fetch(url)].map(async (p) => new Uint8Array(await (await p).arrayBuffer())));
    if (a!.every((v, i) => v === b![i])) return `${key}.fovea`;
  }
  return 'model.fovea';
}
document.body.dataset['ready'] = opened ? 'true' : 'error';
