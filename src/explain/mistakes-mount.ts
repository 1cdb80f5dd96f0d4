/**
 * The mistakes widget's behaviour (markup and data come from
 * mistakes-view.ts): a click on a confusion-matrix cell lists that cell's
 * images, the surest first; a click on one shows its probabilities,
 * saliency and Grad-CAM. One function for both places it runs: a web app
 * imports and calls it; a report page carries its source
 * (`mountMistakesView.toString()`) in an inline script, because a page
 * opened from disk has no module to import. So it must stay
 * self-contained: no reference to anything outside its own body but the
 * DOM (src/explain/mistakes-mount.test.ts runs its minified source alone).
 */

/** What the widget reads: the `data` of `mistakesView(...)` (JSON). */
export interface MistakesViewData {
  classNames: readonly string[];
  /** The confusion matrix, n·n, actual·n + predicted. */
  counts: readonly number[];
  /** One tile's [height, width] in the sprite sheets. */
  tile: [number, number];
  /** Tiles per row of each sprite sheet. */
  cols: number;
  /** How many times a tile is enlarged as a thumbnail, and in the detail. */
  thumbScale: number;
  detailScale: number;
  /** The layer Grad-CAM weighed, or null (then `gradCamProblem` says why there is none). */
  gradCamLayer: string | null;
  gradCamProblem: string | null;
  /** The kept images, in sprite order: cell by cell, the surest first. */
  examples: readonly {
    /** Its index in the test set. */
    index: number; actual: number; predicted: number; confidence: number;
    /** [class, probability]: the 5 most probable, and the actual class. */
    top: readonly (readonly [number, number])[];
  }[];
}

/** The three sprite sheets' URLs (a data: or blob: URL each), for a page without the report's embedded CSS classes. */
export interface MistakesSprites { images: string; saliency: string; gradcam: string }

/**
 * Makes the widget's markup under `root` live: `root` holds the widget's
 * `html` (from {@link mistakesView}), `data` is its `data`. Tiles are drawn
 * from the sprite sheets: from the CSS classes `.mistakes-images`,
 * `-saliency`, `-gradcam` (a report page embeds them), or from `sprites`'
 * URLs when given. Calling it again on new markup starts afresh.
 *
 * Shape: `data.counts` is n·n (actual·n + predicted) for n classes; every
 * sprite sheet holds `data.examples.length` tiles of `data.tile` [h, w] in
 * `data.cols` columns.
 *
 * @throws {Error} when `root` holds no widget markup.
 * @example
 * view.innerHTML = widget.html;
 * mountMistakesView(view, widget.data, { images: url1, saliency: url2, gradcam: url3 });
 */
export function mountMistakesView(root: ParentNode, data: MistakesViewData, sprites?: MistakesSprites): void {
  // Only DOM and this body from here on: the report page runs this source on its own.
  const d = data;
  const box = root.querySelector('.mistakes');
  const list = root.querySelector<HTMLElement>('#mistakes-list'), detail = root.querySelector<HTMLElement>('#mistakes-detail');
  if (!box || !list || !detail) throw new Error('mountMistakesView: no mistakes widget markup (.mistakes, #mistakes-list, #mistakes-detail) under root: insert the widget\'s html first');
  const n = d.classNames.length, th = d.tile[0], tw = d.tile[1];
  const byCell = new Map<number, number[]>();
  d.examples.forEach((e, i) => {
    const k = e.actual * n + e.predicted;
    byCell.set(k, [...(byCell.get(k) ?? []), i]);
  });
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  const el = (tag: string, cls?: string | null, text?: string): HTMLElement => {
    const x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text !== undefined) x.textContent = text;
    return x;
  };
  // Tile i of a sprite sheet, enlarged by scale (background-size scales the whole sheet).
  const tile = (kind: keyof MistakesSprites, i: number, scale: number): HTMLElement => {
    const s = el('span', `mistakes-tile mistakes-${kind}`);
    if (sprites) s.style.backgroundImage = `url("${sprites[kind]}")`;
    s.style.width = `${tw * scale}px`;
    s.style.height = `${th * scale}px`;
    s.style.backgroundSize = `${d.cols * tw * scale}px auto`;
    s.style.backgroundPosition = `${-(i % d.cols) * tw * scale}px ${-Math.floor(i / d.cols) * th * scale}px`;
    return s;
  };
  // On a narrow screen the panes sit under the matrix: what a click filled is brought into view when it lies below the fold
  // (as the explainer does with a tapped unit's trace). getBoundingClientRect may be missing in a DOM without layout.
  const reveal = (x: HTMLElement): void => {
    const r = x.getBoundingClientRect?.();
    if (r && r.top > innerHeight - 60) x.scrollIntoView({ block: 'nearest' });
  };
  const press = (selector: string, on: Element): void => {
    box.querySelectorAll(selector).forEach((b) => b.setAttribute('aria-pressed', b === on ? 'true' : 'false'));
  };
  const showExample = (button: HTMLElement): void => {
    press('.mistakes-thumb', button);
    const i = Number(button.dataset['example']), e = d.examples[i]!;
    const name = (k: number): string => d.classNames[k]!;
    detail.textContent = '';
    detail.dataset['index'] = String(e.index);
    detail.appendChild(el('p', null, `Test image #${e.index}: actual ${name(e.actual)}, predicted ${name(e.predicted)} (${pct(e.confidence)}).`));
    const figs = el('div', 'mistakes-figures');
    const fig = (kind: keyof MistakesSprites, caption: string): void => {
      const f = el('figure');
      f.appendChild(tile(kind, i, d.detailScale));
      f.appendChild(el('figcaption', null, caption));
      figs.appendChild(f);
    };
    fig('images', 'the image');
    fig('saliency', `saliency for ${name(e.predicted)}`);
    if (d.gradCamLayer) fig('gradcam', `Grad-CAM for ${name(e.predicted)} at ${d.gradCamLayer}`);
    detail.appendChild(figs);
    if (!d.gradCamLayer && d.gradCamProblem) detail.appendChild(el('p', 'mistakes-hint', `No Grad-CAM: ${d.gradCamProblem}`));
    const bars = el('div', 'mistakes-bars');
    for (const [k, p] of e.top) {
      const row = el('div', `mistakes-bar${k === e.actual ? ' mistakes-actual' : k === e.predicted ? ' mistakes-predicted' : ''}`);
      row.appendChild(el('span', null, name(k) + (k === e.actual ? ' (actual)' : '')));
      const track = el('span'), fill = el('span', 'mistakes-fill');
      fill.style.width = `${100 * p}%`;
      fill.style.display = 'block';
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el('span', null, pct(p)));
      bars.appendChild(row);
    }
    detail.appendChild(bars);
  };
  const clickExample = (button: HTMLElement): void => {
    showExample(button);
    reveal(detail);
  };
  const showCell = (button: HTMLElement): void => {
    const a = Number(button.dataset['actual']), p = Number(button.dataset['predicted']);
    press('.mistakes-cell', button);
    const shown = byCell.get(a * n + p) ?? [], count = d.counts[a * n + p]!;
    list.textContent = '';
    list.dataset['cell'] = `${a},${p}`;
    list.appendChild(el('p', null, `Actual ${d.classNames[a]}, predicted ${d.classNames[p]}: ${count} image${count === 1 ? '' : 's'}` +
      `${shown.length < count ? `, the ${shown.length} the model was surest of` : ''}, surest first. Click one.`));
    const thumbs = el('div', 'mistakes-thumbs');
    for (const i of shown) {
      const e = d.examples[i]!;
      const b = el('button', 'mistakes-thumb');
      b.setAttribute('type', 'button');
      b.dataset['example'] = String(i);
      b.dataset['index'] = String(e.index);
      b.title = `test image #${e.index}: ${pct(e.confidence)} ${d.classNames[e.predicted]}`;
      b.appendChild(tile('images', i, d.thumbScale));
      b.appendChild(el('span', null, pct(e.confidence)));
      thumbs.appendChild(b);
    }
    list.appendChild(thumbs);
    detail.textContent = '';
    if (shown.length) showExample(thumbs.firstChild as HTMLElement);
    reveal(list);
  };
  box.addEventListener('click', (ev) => {
    const target = ev.target as Element;
    const cell = target.closest<HTMLButtonElement>('.mistakes-cell'), thumb = target.closest<HTMLElement>('.mistakes-thumb');
    if (cell && !cell.disabled) showCell(cell);
    else if (thumb) clickExample(thumb);
  });
}
