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

/** A titled group of figures. */
export interface PageSection {
  heading: string;
  /** A short paragraph under the heading. */
  text?: string;
  figures: PageFigure[];
}

/** What {@link pageHtml} renders and `writePage` writes. */
export interface Page {
  title: string;
  /** Paragraphs under the title. */
  intro?: string[];
  sections: PageSection[];
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
 *
 * @example writeFileSync('index.html', pageHtml({ title: 'digit7.png', sections: [...] }));
 */
export function pageHtml(page: Page): string {
  const e = escapeXml;
  const body = page.sections.map((s) => {
    const figures = s.figures.map((f) => {
      const pixel = typeof f.content !== 'string';
      const twin = !pixel && f.png ? ` <a href="${e(encodeURI(pngTwin(f.file)))}">PNG</a>` : '';
      return `<figure><img src="${e(encodeURI(f.file))}" alt="${e(f.caption)}"${pixel ? ' class="px"' : ''}>` +
        `<figcaption>${e(f.caption)}${twin}</figcaption></figure>`;
    });
    return [`<section>`, `<h2>${e(s.heading)}</h2>`, ...(s.text ? [`<p>${e(s.text)}</p>`] : []), ...figures, `</section>`].join('\n');
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
    '</style>',
    '</head>',
    '<body>',
    `<h1>${e(page.title)}</h1>`,
    ...(page.intro ?? []).map((p) => `<p>${e(p)}</p>`),
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
