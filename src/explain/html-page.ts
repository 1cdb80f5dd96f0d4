/**
 * A page of figures (pictures and SVG charts with one-line captions, in
 * sections) and its HTML: one self-contained file with inline styles and
 * relative links only, so the folder it is written to can be opened offline,
 * zipped or moved. Platform-free; `writePage` (Node) writes it to disk.
 */
import type { ImageData8 } from '../vision/image.js';
import { escapeXml } from '../vision/render/escape-xml.js';

/** One figure: a file in the page's folder and its caption. */
export interface PageFigure {
  /** File name in the page's folder: `*.png` for a picture, `*.svg` for an SVG document. */
  file: string;
  /** One line saying what it shows. */
  caption: string;
  /** A picture (written as PNG) or an SVG document (written as is). */
  content: ImageData8 | string;
  /** For SVG: also write a PNG rendering beside it (same name, `.png`). */
  png?: boolean;
}

/**
 * An interactive part of a page (a clickable confusion matrix, a slider),
 * kept inside the one HTML file: its markup, plain inline JavaScript (no
 * bundler, no network), the JSON it reads and the pictures it shows, which
 * are embedded as PNG data URLs (CSS classes `.<id>-<name>` with the picture
 * as background image), so the page works when opened from disk.
 */
export interface PageWidget {
  /** A prefix for its element ids and class names, unique in the page (`mistakes`). */
  id: string;
  /** Its markup, built by fovea with every text escaped. */
  html: string;
  /** Its CSS. */
  style: string;
  /** Its script: runs once the page is parsed; reads its data with `JSON.parse(document.getElementById('<id>-data').textContent)`. */
  script: string;
  /** What the script reads (JSON). */
  data: unknown;
  /** Pictures by name, embedded as the background image of CSS class `.<id>-<name>`. */
  images: Record<string, ImageData8>;
}

/** A titled group of figures. */
export interface PageSection {
  heading: string;
  /** A short paragraph under the heading. */
  text?: string;
  figures: PageFigure[];
  /** Shown after the figures. */
  widget?: PageWidget;
}

/** What {@link pageHtml} renders and `writePage` writes. */
export interface Page {
  title: string;
  /** Paragraphs under the title. */
  intro?: string[];
  sections: PageSection[];
}

/**
 * Every widget's embedded picture, by `<id>-<name>`: what `writePage` encodes as PNG for {@link pageHtml}.
 * @example for (const [key, img] of pageEmbeddedImages(page)) embedded.set(key, Buffer.from(await encodePng(img)).toString('base64'));
 */
export function pageEmbeddedImages(page: Page): Map<string, ImageData8> {
  const out = new Map<string, ImageData8>();
  for (const w of page.sections.flatMap((s) => (s.widget ? [s.widget] : []))) {
    for (const [name, img] of Object.entries(w.images)) out.set(`${w.id}-${name}`, img);
  }
  return out;
}

/**
 * Every file the page's HTML links to, in page order (the PNG twins of SVG
 * figures included).
 *
 * @example pageFiles(page)   // ['00-input.png', '01-features.0-conv2d.png', …]
 */
export function pageFiles(page: Page): string[] {
  return page.sections.flatMap((s) => s.figures.flatMap((f) => (typeof f.content === 'string' && f.png ? [f.file, pngTwin(f.file)] : [f.file])));
}

/** The PNG file written beside an SVG figure with `png: true`. @example pngTwin('09-probabilities.svg')   // '09-probabilities.png' */
export function pngTwin(file: string): string {
  return file.replace(/\.svg$/, '.png');
}

/**
 * Turns a layer path or caption into a file-name part: letters, digits,
 * '.', '-' and '_' kept, anything else '_', at most 60 characters.
 *
 * @example safeFileName('features.0')   // 'features.0'
 */
export function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 60) || '_';
}

/**
 * The page as one HTML document. Pictures are drawn pixelated (no blurring
 * when the browser scales them), SVG figures link to their PNG twin.
 * Widgets' pictures come as base64 PNG in `o.embedded` (by
 * {@link pageEmbeddedImages}' keys; `writePage` encodes them).
 *
 * @throws {RangeError} when a widget's picture is missing from `o.embedded`.
 * @example writeFileSync('index.html', pageHtml({ title: 'digit7.png', sections: [...] }));
 */
export function pageHtml(page: Page, o: { embedded?: ReadonlyMap<string, string> } = {}): string {
  const e = escapeXml;
  const widgets = page.sections.flatMap((s) => (s.widget ? [s.widget] : []));
  const embeddedCss = [...pageEmbeddedImages(page).keys()].map((key) => {
    const b64 = o.embedded?.get(key);
    if (b64 === undefined) throw new RangeError(`pageHtml: no PNG given for the embedded picture '${key}'`);
    return `.${key} { background-image: url(data:image/png;base64,${b64}); }`;
  });
  // JSON inside <script>: '<' escaped so that no '</script>' in a class name can end the element.
  const dataTags = widgets.map((w) => `<script type="application/json" id="${e(w.id)}-data">${JSON.stringify(w.data).replace(/</g, '\\u003c')}</script>`);
  const body = page.sections.map((s) => {
    const figures = s.figures.map((f) => {
      const pixel = typeof f.content !== 'string';
      const twin = !pixel && f.png ? ` <a href="${e(encodeURI(pngTwin(f.file)))}">PNG</a>` : '';
      return `<figure><img src="${e(encodeURI(f.file))}" alt="${e(f.caption)}"${pixel ? ' class="px"' : ''}>` +
        `<figcaption>${e(f.caption)}${twin}</figcaption></figure>`;
    });
    return [`<section>`, `<h2>${e(s.heading)}</h2>`, ...(s.text ? [`<p>${e(s.text)}</p>`] : []), ...figures, ...(s.widget ? [s.widget.html] : []), `</section>`].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(page.title)}</title>`,
    '<style>',
    'body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }',
    'h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }',
    'figure { margin: 1rem 0; } figcaption { font-size: 0.9rem; color: #444; margin-top: 0.3rem; }',
    'img { max-width: 100%; border: 1px solid #eee; } img.px { image-rendering: pixelated; }',
    ...widgets.map((w) => w.style),
    ...embeddedCss,
    '</style>',
    '</head>',
    '<body>',
    `<h1>${e(page.title)}</h1>`,
    ...(page.intro ?? []).map((p) => `<p>${e(p)}</p>`),
    ...body,
    ...dataTags,
    ...widgets.map((w) => `<script>\n${w.script}\n</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
