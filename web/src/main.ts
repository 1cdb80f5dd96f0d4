/**
 * The explainer page: opens the model the server offers at ./model.fovea
 * (`fovea serve MODEL`), or the digit model shipped with the app, and wires
 * the sample digits, the model picker and training.
 */
import './styles.css';
import { setUpBackend } from './backend-setup.js';
import { byId } from './dom.js';
import { Explainer } from './explainer.js';
import { loadDigits } from './mnist-subset.js';
import { wireModelPicker } from './model-picker.js';
import { renderSamplePicker } from './sample-picker.js';
import { TrainPanel } from './train-panel.js';

setUpBackend();
const app = new Explainer();
wireModelPicker(byId<HTMLInputElement>('model-file'), document.body, (bytes, name) => app.load(bytes, name), (m) => app.error(m));
new TrainPanel(() => app.currentBytes(), (bytes) => {
  if (app.load(bytes, 'trained in the page')) byId('explore').scrollIntoView({ behavior: 'smooth' });
});

loadDigits('test').then(
  (set) => renderSamplePicker(byId('samples'), set, (pixels) => app.pickSample(pixels)),
  (e: unknown) => (byId('samples').textContent = `sample digits unavailable: ${(e as Error).message}`),
);

// `fovea serve MODEL` puts the model at ./model.fovea (./model.onnx for ONNX); `vite` dev/preview has only the shipped one.
let opened = false;
for (const [url, name] of [['./model.fovea', 'model.fovea'], ['./model.onnx', 'model.onnx'], ['./models/digits.fovea', 'digits.fovea']] as const) {
  const r = await fetch(url, { method: 'HEAD' }).catch(() => null);
  // a dev server answers unknown paths with its index.html
  if (!r?.ok || r.headers.get('content-type')?.includes('text/html')) continue;
  opened = await app.loadUrl(url, name);
  break;
}
document.body.dataset['ready'] = opened ? 'true' : 'error';
