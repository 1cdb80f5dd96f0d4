/**
 * The time machine in a report page: a slider over the training snapshots
 * that shows, as they were at that step, the first layer's filters, its
 * feature maps for the fixed input and the model's prediction, with the
 * step marked on the per-step loss and accuracy curves. The pictures are
 * rendered here (one sprite sheet row per snapshot, on one colour scale for
 * the whole run, so growth is visible); the page only moves them. Platform-free.
 */
import { activationGrid } from '../vision/render/activation-grid.js';
import { escapeXml } from '../vision/render/escape-xml.js';
import { filterGrid } from '../vision/render/filter-grid.js';
import { lineChartLayout, lineChartSvg } from '../vision/render/line-chart-svg.js';
import type { ImageData8 } from '../vision/image.js';
import type { PageWidget } from './html-page.js';
import { TIME_MACHINE_SCRIPT, TIME_MACHINE_STYLE } from './time-machine-script.js';
import type { TrainingSnapshots, StepLog } from './training-snapshots.js';

/** At most this many points per curve: longer runs are averaged into as many bins. */
const CURVE_POINTS = 400;

/**
 * The slider widget of `snapshots`.
 *
 * @throws {RangeError} when there are no snapshots.
 * @example page.sections.push({ heading: 'Time machine', figures: [], widget: timeMachineView(tm) });
 */
export function timeMachineView(snapshots: TrainingSnapshots): PageWidget {
  const shots = snapshots.snapshots;
  if (!shots.length) throw new RangeError('timeMachineView: no snapshots');
  const ws = snapshots.weightShape as [number, number, number, number];
  const ms = snapshots.mapShape as [number, number, number];
  const wMax = Math.max(1e-12, ...shots.map((s) => maxAbs(s.weight)));
  const mLo = Math.min(...shots.map((s) => min(s.maps))), mHi = Math.max(...shots.map((s) => max(s.maps)));
  const mRange: [number, number] = mLo < 0 ? [-Math.max(-mLo, mHi), Math.max(-mLo, mHi)] : [mLo, mHi > mLo ? mHi : mLo + 1];
  const filters = shots.map((s) => filterGrid(s.weight, ws, { legend: false, range: [-wMax, wMax] }));
  const maps = shots.map((s) => activationGrid(s.maps, ms, { legend: false, range: mRange }));
  const curves = stepCurves(snapshots.steps, shots.map((s) => s.step));
  const classNames = snapshots.o.classNames;
  const data = {
    layer: snapshots.layer, classNames, label: snapshots.input.label ?? null, every: snapshots.every,
    filterTile: [filters[0]!.height, filters[0]!.width], mapTile: [maps[0]!.height, maps[0]!.width],
    inputTile: [snapshots.input.image.height, snapshots.input.image.width],
    snapshots: shots.map((s, i) => ({
      step: s.step, epoch: s.epoch, lossX: curves.lossX[i], accX: curves.accX[i],
      top: top3(s.probabilities),
    })),
  };
  const e = escapeXml;
  const html = [
    '<div class="tm">',
    `<label class="tm-control">step <input type="range" id="tm-slider" min="0" max="${shots.length - 1}" value="${shots.length - 1}" step="1" aria-label="training step"> <output id="tm-step"></output></label>`,
    '<div class="tm-row">',
    `<figure><span class="tm-tile tm-input"></span><figcaption>the fixed input${snapshots.input.label !== undefined ? ` (a ${e(classNames[snapshots.input.label] ?? '')})` : ''}</figcaption></figure>`,
    `<figure><span id="tm-filters" class="tm-tile tm-filters"></span><figcaption>${e(snapshots.layer)} filters (${ws.join(' x ')}), one colour scale for the whole run: blue negative, red positive</figcaption></figure>`,
    `<figure><span id="tm-maps" class="tm-tile tm-maps"></span><figcaption>its feature maps for the input</figcaption></figure>`,
    '<div id="tm-prediction" class="tm-prediction" aria-live="polite"></div>',
    '</div>',
    `<div class="tm-row">${curves.loss}${curves.acc}</div>`,
    '</div>',
  ].join('\n');
  return {
    id: 'tm', html, style: TIME_MACHINE_STYLE, script: TIME_MACHINE_SCRIPT, data,
    images: { filters: column(filters), maps: column(maps), input: snapshots.input.image },
  };
}

/** Loss and accuracy after each step (fit's running means over the epoch so far, binned to CURVE_POINTS), each with a marker line the script moves, and each snapshot's x pixel. */
function stepCurves(steps: readonly StepLog[], at: number[]): { loss: string; acc: string; lossX: number[]; accX: number[] } {
  const bins = Math.max(1, Math.ceil(steps.length / CURVE_POINTS));
  const x: number[] = [], loss: number[] = [], acc: number[] = [];
  for (let i = 0; i < steps.length; i += bins) {
    const part = steps.slice(i, i + bins);
    x.push(part[part.length - 1]!.step);
    loss.push(part.reduce((a, s) => a + s.loss, 0) / part.length);
    acc.push(part.reduce((a, s) => a + s.accuracy, 0) / part.length);
  }
  // Step 0 (before training) has no batch; the curves start at the first step, and a marker at 0 sits at their left end.
  const chart = (label: string, values: number[], opts: Parameters<typeof lineChartSvg>[1], id: string) => {
    const series = [{ label, values }];
    const o = { ...opts, x: x.length ? x : [0], width: 420, height: 240 };
    const L = lineChartLayout(series, o);
    const svg = lineChartSvg(series, o).replace(/<\/svg>\s*$/, `<line id="${id}" x1="0" x2="0" y1="${L.plot.y}" y2="${L.plot.y + L.plot.height}" stroke="#e4572e" stroke-width="2"/></svg>`);
    return { svg, xs: at.map((s) => Math.round(10 * L.px(Math.max(s, x[0] ?? 0))) / 10) };
  };
  const l = chart('train loss, epoch mean so far', loss, { title: 'loss', xLabel: 'step', yLabel: 'cross-entropy', yLimits: [0, Infinity] }, 'tm-marker-loss');
  const a = chart('train accuracy, epoch mean so far', acc, { title: 'accuracy', xLabel: 'step', yLabel: 'accuracy', yLimits: [0, 1], yFormat: 'percent' }, 'tm-marker-acc');
  return { loss: l.svg, acc: a.svg, lossX: l.xs, accX: a.xs };
}

/** Pictures of one size stacked top to bottom (row i: snapshot i), RGB. */
function column(tiles: ImageData8[]): ImageData8 {
  const { width, height } = tiles[0]!;
  const data = new Uint8Array(width * height * 3 * tiles.length);
  tiles.forEach((t, i) => {
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) data[(i * width * height + p) * 3 + c] = t.data[p * t.channels + (t.channels === 3 ? c : 0)]!;
    }
  });
  return { width, height: height * tiles.length, channels: 3, data };
}

function top3(p: Float32Array): [number, number][] {
  return Array.from(p, (v, k) => [k, v] as [number, number]).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]);
}

const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const min = (a: Float32Array): number => a.reduce((m, v) => Math.min(m, v), Infinity);
const max = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, v), -Infinity);
