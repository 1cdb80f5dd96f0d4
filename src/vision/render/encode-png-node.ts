/**
 * PNG encoding in Node with sharp: raw pictures and SVG documents. Node only
 * (the browser draws pictures on a canvas and SVG natively).
 */
import sharp from 'sharp';
import type { ImageData8 } from '../image.js';

/**
 * Encodes an 8-bit picture (1 or 3 channels, HWC) as PNG bytes; with
 * `palette`, quantised to at most 256 colours (libimagequant, dithered):
 * often a third of the size, for pictures that are only looked at (heat-map
 * overlays inside a report page), never for data.
 *
 * Shape: `img.data` is `[height, width, channels]` bytes.
 *
 * @example writeFileSync('map.png', await encodePng(renderMap(values, [28, 28], { scale: 4 })));
 */
export async function encodePng(img: ImageData8, o: { palette?: boolean } = {}): Promise<Uint8Array> {
  if (img.data.length !== img.width * img.height * img.channels || img.width < 1 || img.height < 1) {
    throw new RangeError(`encodePng: ${img.data.length} bytes for a ${img.width} x ${img.height} x ${img.channels} picture`);
  }
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } }).png(o.palette ? { palette: true } : {}).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Renders an SVG document (self-contained: no external images or fonts) to
 * PNG bytes at `density` dpi (72 = the SVG's own pixel size; default 144,
 * twice as sharp).
 *
 * @example writeFileSync('probabilities.png', await svgToPng(probabilityChartSvg(p, names)));
 */
export async function svgToPng(svg: string, o: { density?: number } = {}): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(svg, 'utf8'), { density: o.density ?? 144 }).flatten({ background: '#ffffff' }).png().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
