/**
 * OpenCV's border modes: which source pixel stands in for a coordinate that
 * falls outside the image. Shared by {@link filter2d} and the padding of the
 * crop transforms.
 */
import { ValueError } from '../errors.js';

/**
 * How pixels beyond the edge are made up, OpenCV's `cv::BorderTypes`
 * (shown for a row `abcdefgh`, `|` marks the image edge):
 *
 * - `'constant'`   `iiiiii|abcdefgh|iiiiii`  a fixed value i (`BORDER_CONSTANT`)
 * - `'replicate'`  `aaaaaa|abcdefgh|hhhhhh`  the edge pixel repeated (`BORDER_REPLICATE`)
 * - `'reflect'`    `fedcba|abcdefgh|hgfedc`  mirrored, edge included (`BORDER_REFLECT`)
 * - `'reflect101'` `gfedcb|abcdefgh|gfedcb`  mirrored about the edge pixel
 *   (`BORDER_REFLECT_101`, OpenCV's `BORDER_DEFAULT`)
 */
export type BorderMode = 'constant' | 'replicate' | 'reflect' | 'reflect101';

/** Every {@link BorderMode}, for option parsing and error messages. */
export const BORDER_MODES: readonly BorderMode[] = ['constant', 'replicate', 'reflect', 'reflect101'];

/**
 * The in-image coordinate that stands for `p` along an axis of `len` pixels,
 * or -1 for `'constant'` (use the fill value): OpenCV's `borderInterpolate`,
 * including its repeated mirroring when `p` lies more than `len` beyond the edge.
 *
 * @example
 * borderInterpolate(-1, 5, 'reflect101'); // 1
 * borderInterpolate(-1, 5, 'reflect');    // 0
 * borderInterpolate(7, 5, 'replicate');   // 4
 */
export function borderInterpolate(p: number, len: number, mode: BorderMode): number {
  if (p >= 0 && p < len) return p;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return p < 0 ? 0 : len - 1;
  if (len === 1) return 0;
  const delta = mode === 'reflect101' ? 1 : 0;
  do {
    p = p < 0 ? -p - 1 + delta : len - 1 - (p - len) - delta;
  } while (p < 0 || p >= len);
  return p;
}

/**
 * `value` as a {@link BorderMode}, or a ValueError naming `what` (an option or a flag) and the valid modes.
 * @example const mode = parseBorderMode(flags.border ?? 'reflect101', '--border');
 */
export function parseBorderMode(value: string, what: string): BorderMode {
  if ((BORDER_MODES as readonly string[]).includes(value)) return value as BorderMode;
  const alias: Record<string, BorderMode> = { default: 'reflect101', reflect_101: 'reflect101', 'reflect-101': 'reflect101', zero: 'constant', edge: 'replicate' };
  const mode = alias[value.toLowerCase()];
  if (mode) return mode;
  throw new ValueError(`${what}: unknown border mode '${value}'; expected one of ${BORDER_MODES.join(', ')}`);
}
