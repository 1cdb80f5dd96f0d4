/**
 * The pointer-to-drawn benchmark (bench.html): replays a stroke as pointer
 * events on the pad and measures, for the default model, the time from each
 * event to all layers drawn. Two figures:
 *
 * - compute: the update run right after the event (preprocess, forward
 *   with every layer recorded, paint every layer, bars, input view);
 * - frame: the page's own path, where the update runs on the next animation
 *   frame; this adds the wait for that frame (events here come every 7 ms,
 *   at arbitrary points of a frame; a browser's real pointer events are
 *   aligned to frames, which scripts/bench-web.mjs measures too).
 *
 * Results go to #result as text and as JSON in its data-result attribute
 * (scripts/bench-web.mjs reads them from a headless Chromium).
 */
import './styles.css';
import { setUpBackend } from './backend-setup.js';
import { byId } from './dom.js';
import { Explainer } from './explainer.js';

const MOVES = 240;

interface Stats { n: number; median: number; p95: number; max: number; mean: number }

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** A point on a figure-eight-ish digit stroke (an "8"), t in [0, 1]. */
function strokePoint(t: number): [number, number] {
  const a = t * 2 * Math.PI;
  return [0.5 + 0.22 * Math.sin(2 * a), 0.5 + 0.32 * Math.sin(a)];
}

function pointer(type: string, pad: HTMLCanvasElement, t: number): PointerEvent {
  const r = pad.getBoundingClientRect();
  const [x, y] = strokePoint(t);
  const e = new PointerEvent(type, { pointerId: 1, pointerType: 'pen', isPrimary: true, button: 0, buttons: type === 'pointerup' ? 0 : 1, clientX: r.left + x * r.width, clientY: r.top + y * r.height, bubbles: true, cancelable: true });
  pad.dispatchEvent(e);
  return e;
}

const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

async function run(app: Explainer): Promise<void> {
  const pad = byId<HTMLCanvasElement>('pad');
  const result = byId('result');
  result.textContent = 'running…';
  app.pad.clear();
  await nextFrame();
  // compute: event, then the update at once
  const compute: number[] = [];
  pointer('pointerdown', pad, 0);
  for (let i = 1; i <= MOVES; i++) {
    const e = pointer('pointermove', pad, i / MOVES);
    app.updateNow();
    compute.push(performance.now() - e.timeStamp);
  }
  pointer('pointerup', pad, 1);
  app.pad.clear();
  await nextFrame();
  // frame: events at arbitrary times within a frame (every 7 ms), drawn by the page's own requestAnimationFrame update
  app.latencies.length = 0;
  pointer('pointerdown', pad, 0);
  for (let i = 1; i <= MOVES / 2; i++) {
    pointer('pointermove', pad, i / (MOVES / 2));
    await new Promise((r) => setTimeout(r, 7));
  }
  pointer('pointerup', pad, 1);
  await nextFrame();
  const frame = app.latencies.slice();
  const s = app.session!;
  const out = {
    model: s.name, layers: s.layers.length, parameters: s.model.numParameters(), backend: document.body.dataset['backend'],
    userAgent: navigator.userAgent, computeMs: stats(compute), frameMs: stats(frame),
  };
  const f = (x: Stats): string => `median ${x.median.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms, max ${x.max.toFixed(2)} ms (n = ${x.n})`;
  result.textContent = `${out.model}: ${out.layers} layers, ${out.parameters} parameters, ${out.backend} backend\n` +
    `pointer event → all layers drawn (compute): ${f(out.computeMs)}\n` +
    `pointer event → all layers drawn on the next animation frame (events every 7 ms): ${f(out.frameMs)}`;
  result.dataset['result'] = JSON.stringify(out);
}

setUpBackend();
const app = new Explainer();
// for scripts/bench-web.mjs, which also draws with real (trusted) pointer input and reads app.latencies
(globalThis as { foveaBench?: Explainer }).foveaBench = app;
if (await app.loadUrl('./models/digits.fovea', 'digits.fovea')) {
  byId('run').addEventListener('click', () => void run(app));
  await run(app);
}
