/**
 * A 5x7 pixel font for labels drawn into pictures (titles, channel numbers,
 * legend values), so picture output needs no font files and looks the same
 * everywhere. Digits, A–Z, a–z, space and . , - + : ( ) [ ] % / _ = ? ' |;
 * any other character is drawn as '?'. Platform-free.
 *
 * Each glyph is written as its 7 rows, top to bottom, 5 columns each,
 * '#' for ink: readable in the source, and easy to fix a letter.
 */
import type { ImageData8 } from '../image.js';
import type { Rgb } from './colormap.js';

/** Glyph width in font pixels; characters advance by width + 1 (6 px at scale 1). */
export const GLYPH_WIDTH = 5;
/** Glyph height in font pixels: one line of text is 7 px high at scale 1. */
export const GLYPH_HEIGHT = 7;

const GLYPHS: Readonly<Record<string, string>> = {
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.', '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####', '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.', '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.', '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.', '9': '.###. #...# #...# .#### ....# ...#. .##..',
  A: '.###. #...# #...# ##### #...# #...# #...#', B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.', D: '###.. #..#. #...# #...# #...# #..#. ###..',
  E: '##### #.... #.... ####. #.... #.... #####', F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####', H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.', J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#', L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#', N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.', P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#', R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.', T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.', V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.', X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..', Z: '##### ....# ...#. ..#.. .#... #.... #####',
  a: '..... ..... .###. ....# .#### #...# .####', b: '#.... #.... #.##. ##..# #...# #...# ####.',
  c: '..... ..... .###. #.... #.... #...# .###.', d: '....# ....# .##.# #..## #...# #...# .####',
  e: '..... ..... .###. #...# ##### #.... .###.', f: '..##. .#..# .#... ###.. .#... .#... .#...',
  g: '..... .#### #...# #...# .#### ....# .###.', h: '#.... #.... #.##. ##..# #...# #...# #...#',
  i: '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.', j: '...#. ..... ..##. ...#. ...#. #..#. .##..',
  k: '#.... #.... #..#. #.#.. ##... #.#.. #..#.', l: '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  m: '..... ..... ##.#. #.#.# #.#.# #...# #...#', n: '..... ..... #.##. ##..# #...# #...# #...#',
  o: '..... ..... .###. #...# #...# #...# .###.', p: '..... ..... ####. #...# ####. #.... #....',
  q: '..... ..... .##.# #..## .#### ....# ....#', r: '..... ..... #.##. ##..# #.... #.... #....',
  s: '..... ..... .###. #.... .###. ....# ####.', t: '.#... .#... ###.. .#... .#... .#..# ..##.',
  u: '..... ..... #...# #...# #...# #..## .##.#', v: '..... ..... #...# #...# #...# .#.#. ..#..',
  w: '..... ..... #...# #...# #.#.# #.#.# .#.#.', x: '..... ..... #...# .#.#. ..#.. .#.#. #...#',
  y: '..... ..... #...# #...# .#### ....# .###.', z: '..... ..... ##### ...#. ..#.. .#... #####',
  ' ': '..... ..... ..... ..... ..... ..... .....', '.': '..... ..... ..... ..... ..... .##.. .##..',
  ',': '..... ..... ..... ..... .##.. ..#.. .#...', '-': '..... ..... ..... ##### ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....', ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.', ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '[': '.###. .#... .#... .#... .#... .#... .###.', ']': '.###. ...#. ...#. ...#. ...#. ...#. .###.',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##', '/': '..... ....# ...#. ..#.. .#... #.... .....',
  _: '..... ..... ..... ..... ..... ..... #####', '=': '..... ..... ##### ..... ##### ..... .....',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..', "'": '..#.. ..#.. .#... ..... ..... ..... .....',
  '|': '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
};

/**
 * The 7 rows of a character's glyph, '#' for ink ('?' for unknown characters).
 * @example glyph('T')[0]   // '#####'
 */
export function glyph(ch: string): readonly string[] {
  return (GLYPHS[ch] ?? GLYPHS['?']!).split(' ');
}

/**
 * The width in pixels of `text` drawn at `scale` (no trailing gap).
 * @example textWidth('0.5', 2)   // (3 * 6 - 1) * 2 = 34
 */
export function textWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n ? (n * (GLYPH_WIDTH + 1) - 1) * scale : 0;
}

/**
 * Draws `text` into an RGB image with its top-left corner at (x, y); each
 * font pixel becomes a `scale` x `scale` block. Pixels off the image are
 * skipped, so text may be clipped but never wraps.
 *
 * Shape: `img` is `[H, W, 3]` bytes; the text is `GLYPH_HEIGHT * scale`
 * pixels high and {@link textWidth} wide.
 *
 * @example drawText(canvas, 'features.0 [1, 6, 28, 28]', 4, 4, { color: [0, 0, 0] });
 */
export function drawText(img: ImageData8, text: string, x: number, y: number, options: { color?: Rgb; scale?: number } = {}): void {
  if (img.channels !== 3) throw new RangeError(`drawText: needs an RGB image, got ${img.channels} channel(s)`);
  const color = options.color ?? [34, 34, 34];
  const scale = options.scale ?? 1;
  let cx = x;
  for (const ch of text) {
    const rows = glyph(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if (rows[r]![c] !== '#') continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) put(img, cx + c * scale + dx, y + r * scale + dy, color);
        }
      }
    }
    cx += (GLYPH_WIDTH + 1) * scale;
  }
}

function put(img: ImageData8, x: number, y: number, color: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const i = (y * img.width + x) * 3;
  img.data[i] = color[0];
  img.data[i + 1] = color[1];
  img.data[i + 2] = color[2];
}
