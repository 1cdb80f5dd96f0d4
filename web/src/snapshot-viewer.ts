/**
 * The time machine in the web app: opens a training report's snapshots.json
 * (`fovea train --snapshots N`) and scrubs through training with a slider:
 * the first layer's filters, their feature maps for the run's fixed input
 * (recomputed by the library from the stored weights) and the prediction,
 * as they were at that step. The file is read and checked by the library
 * (`parseSnapshots`); a wrong file is named, not drawn.
 */
import { activationGrid, parseSnapshots, snapshotMaps, toRgba, type SnapshotsFile } from 'fovea';
import { el } from './dom.js';
import { drawFilterTiles } from './filter-tiles.js';

/** Wires `input` (a file input for snapshots.json) to draw into `view`. */
export function wireSnapshotViewer(input: HTMLInputElement, view: HTMLElement): void {
  input.addEventListener('change', async () => {
    const f = input.files?.[0];
    if (!f) return;
    try {
      showSnapshots(view, parseSnapshots(JSON.parse(await f.text()), f.name));
    } catch (e) {
      view.replaceChildren(el('p', { class: 'error', role: 'alert' }, (e as Error).message));
    }
  });
}

/** Draws `file`'s slider, filters, maps and prediction into `view` (an opened snapshots.json, or the page's own training run). */
export function showSnapshots(view: HTMLElement, file: SnapshotsFile): void {
  const last = file.snapshots.length - 1;
  const slider = el('input', { type: 'range', min: 0, max: last, value: last, step: 1, id: 'snapshot-slider', 'aria-label': 'training step' });
  const label = el('output', { id: 'snapshot-step' });
  const filters = el('div', { id: 'snapshot-filters', class: 'filter-tiles' });
  const maps = el('canvas', { id: 'snapshot-maps', class: 'pixelated' });
  const prediction = el('p', { id: 'snapshot-prediction', role: 'status' });
  // One colour range for the maps of the whole run, so their growth shows.
  const all = file.snapshots.map((_, i) => snapshotMaps(file, i));
  const m = Math.max(1e-12, ...all.map((a) => a.reduce((x, v) => Math.max(x, Math.abs(v)), 0)));
  const render = (i: number): void => {
    const s = file.snapshots[i]!;
    label.textContent = `step ${s.step}${s.step === 0 ? ' (before training)' : ` (epoch ${s.epoch})`}, snapshot ${i + 1} of ${file.snapshots.length}`;
    filters.dataset['step'] = String(s.step);
    drawFilterTiles(filters, Float32Array.from(s.weight), file.weightShape);
    const grid = activationGrid(all[i]!, file.mapShape as [number, number, number], { legend: false, range: [-m, m] });
    maps.width = grid.width;
    maps.height = grid.height;
    maps.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(toRgba(grid)), grid.width, grid.height), 0, 0);
    const order = s.probabilities.map((p, k) => [k, p] as const).sort((a, b) => b[1] - a[1]);
    prediction.textContent = `prediction: ${order.slice(0, 3).map(([k, p]) => `${file.classNames[k]} ${(100 * p).toFixed(1)}%`).join(', ')}`;
  };
  slider.addEventListener('input', () => render(Number(slider.value)));
  view.replaceChildren(
    el('label', { class: 'snapshot-control' }, slider, ' ', label),
    el('div', { class: 'snapshot-row' }, el('figure', {}, filters, el('figcaption', {}, `${file.layer} filters`)), el('figure', {}, maps, el('figcaption', {}, 'their feature maps for the run\'s fixed input')), prediction),
  );
  render(last);
}
