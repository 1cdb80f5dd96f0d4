/**
 * The tutorial, interactive (tutorial.html): `fovea tutorial`'s walk-through
 * on any photo the user gives (file, drop, paste, webcam), with the four
 * hand-set filters editable and every picture redrawn as they change. The
 * pictures are the library's own: `edgeTutorial` (the same function the CLI
 * writes to PNGs) with the edited filters, at `tutorialSize`.
 */
import '../styles.css';
import '../pages.css';
import './tutorial.css';
import { decodeImage, edge4Filters, edgeTutorial, toRgba, tutorialSize, type ImageData8, type Page } from 'fovea';
import { byId, el } from '../dom.js';
import { wirePhotoSources } from '../photo-source.js';
import { cellText, negate, readKernels, transpose } from './kernel-cells.js';
import { testPicture } from './test-picture.js';

const body = document.body;
let photo: { blob: Blob; name: string; image: ImageData8 | null } | null = null;
/** The text of every cell, [filter][row][col]. */
let cells: string[][][] = defaultCells();
let pending = 0;
let updates = 0;

function defaultCells(): string[][][] {
  return edge4Filters.map((k) => k.map((row) => row.map(cellText)));
}

const showError = (id: string, message: string | null): void => {
  const box = byId(id);
  box.textContent = message ?? '';
  box.hidden = message === null;
};

/** Decodes the photo in grayscale at the tutorial's size (the longer side at most the chosen pixels), as `fovea tutorial --size` does. */
async function decode(blob: Blob, name: string): Promise<ImageData8> {
  const maxSide = Number(byId<HTMLSelectElement>('tutorial-size').value);
  const full = await decodeImage(blob, { channels: 1, name });
  const size = tutorialSize(full.width, full.height, maxSide);
  return size ? decodeImage(blob, { channels: 1, size, name }) : full;
}

async function openPhoto(blob: Blob, name: string): Promise<void> {
  photo = { blob, name, image: null };
  try {
    const image = await decode(blob, name);
    if (photo?.blob !== blob) return; // a newer photo came meanwhile
    photo.image = image;
    showError('photo-error', null);
    byId('photo-name').textContent = `${name}: ${image.width} × ${image.height} pixels in grayscale`;
    body.dataset['photo'] = name;
    schedule();
  } catch (e) {
    if (photo?.blob === blob) showError('photo-error', (e as Error).message);
  }
}

/** One redraw per animation frame, however fast the filters are typed. */
function schedule(): void {
  if (pending) return;
  pending = requestAnimationFrame(() => {
    pending = 0;
    redraw();
  });
}

function redraw(): void {
  const read = readKernels(cells);
  for (const input of document.querySelectorAll<HTMLInputElement>('.kernel-cell')) input.removeAttribute('aria-invalid');
  if (read.error !== null) {
    showError('kernel-error', read.error);
    document.querySelector(`.kernel-cell[data-f="${read.filter}"][data-r="${read.row}"][data-c="${read.col}"]`)?.setAttribute('aria-invalid', 'true');
    return;
  }
  showError('kernel-error', null);
  if (!photo?.image) return;
  let page: Page;
  try {
    page = edgeTutorial(photo.image, { kernels: read.kernels, title: `How a CNN sees ${photo.name}` });
  } catch (e) {
    showError('kernel-error', (e as Error).message);
    return;
  }
  renderPage(page);
  body.dataset['updates'] = String(++updates);
}

function renderPage(page: Page): void {
  byId('tutorial-sections').replaceChildren(...page.sections.map((s) => el('section', { class: 'card tutorial-step' },
    el('h2', {}, s.heading),
    ...(s.text ? [el('p', { class: 'hint' }, s.text)] : []),
    el('div', { class: 'tutorial-figures' }, ...s.figures.map((f) => el('figure', {},
      typeof f.content === 'string' ? el('div', { 'data-file': f.file }) : canvasOf(f.content, f.file, f.caption),
      el('figcaption', {}, f.caption)))))));
}

function canvasOf(img: ImageData8, file: string, label: string): HTMLCanvasElement {
  const canvas = el('canvas', { width: img.width, height: img.height, 'data-file': file, 'aria-label': label });
  canvas.getContext('2d')!.putImageData(new ImageData(toRgba(img) as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
  return canvas;
}

/** The filters as grids of cells, coloured by sign, with Negate and Transpose per filter. */
function renderEditor(): void {
  const boxes = cells.map((k, f) => {
    const grid = el('div', { class: 'kernel-grid', style: `grid-template-columns: repeat(${k[0]!.length}, 1fr)` },
      ...k.flatMap((row, r) => row.map((text, c) => {
        const input = el('input', {
          type: 'text', class: 'kernel-cell', value: text, inputmode: 'decimal', spellcheck: 'false', 'data-f': f, 'data-r': r, 'data-c': c,
          'aria-label': `filter ${f + 1}, row ${r + 1}, column ${c + 1}`,
        });
        tint(input);
        input.addEventListener('input', () => {
          cells[f]![r]![c] = input.value;
          tint(input);
          schedule();
        });
        return input;
      })));
    const op = (label: string, fn: (k: number[][]) => number[][]): HTMLButtonElement => {
      const b = el('button', { type: 'button', class: `kernel-op`, 'data-op': label.toLowerCase(), 'data-f': f }, label);
      b.addEventListener('click', () => {
        const one = readKernels([cells[f]!]);
        if (one.error !== null) {
          showError('kernel-error', one.error.replace('filter 1', `filter ${f + 1}`));
          return;
        }
        cells[f] = fn(one.kernels[0]!).map((row) => row.map(cellText));
        renderEditor();
        schedule();
      });
      return b;
    };
    return el('div', { class: 'kernel-box' }, el('h3', {}, `filter ${f + 1}`), grid, el('div', { class: 'tools' }, op('Negate', negate), op('Transpose', transpose)));
  });
  byId('kernel-editor').replaceChildren(...boxes);
}

/** Red for a positive weight, blue for a negative one, stronger for larger magnitudes (of 1). */
function tint(input: HTMLInputElement): void {
  const v = Number(input.value.trim().replace(/\u2212/g, '-'));
  const a = Number.isFinite(v) ? Math.min(1, Math.abs(v)) * 0.45 : 0;
  input.style.background = !a ? '' : v > 0 ? `rgba(214, 39, 40, ${a})` : `rgba(31, 119, 180, ${a})`;
}

byId('kernels-reset').addEventListener('click', () => {
  cells = defaultCells();
  renderEditor();
  schedule();
});
byId('tutorial-size').addEventListener('change', () => {
  if (photo) void openPhoto(photo.blob, photo.name);
});
byId('sample').addEventListener('click', async () => void openPhoto(await testPicture(), 'test picture'));
wirePhotoSources((blob, name) => void openPhoto(blob, name), (m) => showError('photo-error', m));
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = [...(e.dataTransfer?.files ?? [])][0];
  if (f) void openPhoto(f, f.name);
});

renderEditor();
await openPhoto(await testPicture(), 'test picture');
body.dataset['ready'] = 'true';
