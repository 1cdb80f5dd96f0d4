/**
 * The small MNIST subsets that ship with the app (written into data/ by
 * scripts/build-web-data.mjs at build time): real test digits for the
 * picker, real training digits for training in the page.
 */

export interface DigitSet {
  count: number;
  /** count * 784 bytes, MNIST's layout (0 = background, 255 = ink). */
  images: Uint8Array;
  labels: Uint8Array;
}

interface Manifest {
  shape: [number, number, number];
  classNames: string[];
  splits: Record<'train' | 'test', { count: number; file: string }>;
}

let manifest: Promise<Manifest> | null = null;
const splits = new Map<string, Promise<DigitSet>>();

/**
 * Fetches one split (once; later calls share the download).
 * @example const { images, labels } = await loadDigits('test');
 */
export function loadDigits(split: 'train' | 'test', base = './data/'): Promise<DigitSet> {
  let p = splits.get(split);
  if (!p) {
    manifest ??= fetchOk(`${base}mnist.json`).then((r) => r.json() as Promise<Manifest>);
    p = manifest.then(async (m) => {
      const { count, file } = m.splits[split];
      const bytes = new Uint8Array(await (await fetchOk(`${base}${file}`)).arrayBuffer());
      if (bytes.length !== count * 785) throw new Error(`${file}: ${bytes.length} bytes, expected ${count * 785}`);
      return { count, labels: bytes.subarray(0, count), images: bytes.subarray(count) };
    });
    p.catch(() => splits.delete(split));
    splits.set(split, p);
  }
  return p;
}

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

/** Indices of the first `perClass` examples of each class. */
export function firstOfEachClass(set: DigitSet, perClass: number, classes = 10): number[] {
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < set.count; i++) {
    const l = set.labels[i]!;
    if (l < classes && picked[l]!.length < perClass) picked[l]!.push(i);
  }
  return picked.flat();
}
