/**
 * Platform-free helpers for 8-bit images: the layout that image loaders
 * (Node's {@link loadImageFile}, a browser canvas) produce and the conversion
 * to a model's input. Imports nothing from Node.
 */

/**
 * An 8-bit image, one or three channels.
 *
 * Shape: `data` holds `height * width * channels` bytes in HWC order, rows top
 * to bottom: the value of channel c at (y, x) is
 * `data[(y * width + x) * channels + c]`. Three channels are R, G, B (sRGB);
 * one channel is luma (0 = black, 255 = white).
 */
export interface ImageData8 {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/**
 * Converts an 8-bit HWC image to the float32 CHW values a model takes, as
 * torchvision's `ToTensor()` followed by `Normalize(mean, std)` does:
 * `(v / 255 - mean[c]) / std[c]`, each step rounded to float32 like torch, so
 * the values match PyTorch's bit for bit.
 *
 * `mean` and `std` hold one entry per channel, or a single entry used for
 * every channel. Pass `[0]` and `[1]` for plain `v / 255`.
 *
 * Shape: `img` is `[H, W, C]` bytes; the result is `[C, H, W]` float32
 * (`C * H * W` values), ready to be the one image of an NCHW batch.
 *
 * @example
 * const x = imageToTensorData(img, [0.1307], [0.3081]); // MNIST's statistics
 * const batch = tensor(x, [1, img.channels, img.height, img.width]);
 */
export function imageToTensorData(img: ImageData8, mean: readonly number[], std: readonly number[]): Float32Array {
  const { width, height, channels, data } = img;
  checkImage(img);
  const plane = width * height;
  const out = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    // 256 possible bytes per channel: precompute torch's float32 result for each.
    const table = channelTable(perChannel(mean, c, channels, 'mean'), perChannel(std, c, channels, 'std'));
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = table[data[i * channels + c]!]!;
  }
  return out;
}

/**
 * The mean of all bytes of the image (every pixel, every channel), in
 * `[0, 255]`. Useful to tell a dark background (MNIST: white ink on black,
 * mean well below 128) from a light one (a digit drawn on paper).
 *
 * @example
 * if (meanIntensity(img) > 127) img = { ...img, data: img.data.map((v) => 255 - v) };
 */
export function meanIntensity(img: ImageData8): number {
  checkImage(img);
  let sum = 0;
  for (let i = 0; i < img.data.length; i++) sum += img.data[i]!;
  return img.data.length === 0 ? 0 : sum / img.data.length;
}

function checkImage(img: ImageData8): void {
  const { width, height, channels, data } = img;
  if (channels !== 1 && channels !== 3) throw new RangeError(`image has channels=${String(channels)}; expected 1 or 3`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`image has width ${width} and height ${height}; expected non-negative integers`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `image data holds ${data.length} bytes but ${height} x ${width} x ${channels} (height x width x channels) needs ${width * height * channels}`,
    );
  }
}

function perChannel(values: readonly number[], c: number, channels: number, name: 'mean' | 'std'): number {
  if (values.length !== 1 && values.length !== channels) {
    throw new RangeError(`${name} has ${values.length} entries but the image has ${channels} channel(s); give one per channel or a single value`);
  }
  const v = values.length === 1 ? values[0]! : values[c]!;
  if (!Number.isFinite(v) || (name === 'std' && v === 0)) {
    throw new RangeError(`${name}[${values.length === 1 ? 0 : c}] is ${v}; expected a finite number${name === 'std' ? ', not 0' : ''}`);
  }
  return v;
}

/** `table[v]` = float32((float32(v / 255) - float32(mean)) / float32(std)), torch's order of float32 roundings. */
function channelTable(mean: number, std: number): Float32Array {
  const f = Math.fround;
  const m = f(mean);
  const s = f(std);
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = f(f(f(v / 255) - m) / s);
  return table;
}
