/**
 * The TF.js models shipped inside the `nsfwjs` npm package (Node): found
 * from the working directory's (or fovea's) node_modules, read from the
 * package's UMD bundles without running them, and returned with the class
 * names and the preprocessing nsfwjs applies (`pixels / 255`, no mean).
 * mobilenet_v2 and inception_v3 are layers models; mobilenet_v2_mid is a
 * graph model (a converted TF Hub MobileNetV2 1.4 feature vector + Dense),
 * which scales the pixels to [-1, 1] itself.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { exportedLiteral } from './js-literal.js';
import { loadTfjs, type LoadedTfjs } from './load-tfjs.js';
import { isRecord } from './tfjs-config.js';
import { TfjsError } from './tfjs-error.js';
import { parseWeightsManifest } from './tfjs-weights.js';

/** The models in nsfwjs 4 (dist/models/<name>). */
export const NSFWJS_MODELS = ['mobilenet_v2', 'mobilenet_v2_mid', 'inception_v3'] as const;

/** nsfwjs's classes, in output order. */
export const NSFWJS_CLASS_NAMES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

export interface LoadedNsfwjs extends LoadedTfjs {
  classNames: string[];
  /** nsfwjs feeds `pixels / 255` (resized to the input size): mean 0, std 1 on [0, 1] pixels. */
  normalize: { mean: number[]; std: number[] };
  /** The package folder the model came from, and its version. */
  packageDir: string;
  version: string;
}

/** The nsfwjs package folder, resolved from `from`, or (not given) from the working directory and then from fovea itself. */
function packageDir(from: string | undefined, label: string): string {
  const bases = from !== undefined ? [join(from, 'noop.js')] : [join(process.cwd(), 'noop.js'), import.meta.url];
  for (const base of bases) {
    let entry: string;
    try {
      entry = createRequire(base).resolve('nsfwjs');
    } catch {
      continue;
    }
    for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'nsfwjs') return dir;
    }
  }
  throw new TfjsError(label, `the nsfwjs package is not installed (looked from ${from ?? process.cwd()}); install it with npm i nsfwjs`);
}

function readBundle(file: string, label: string): unknown {
  if (!existsSync(file) || !statSync(file).isFile()) throw new TfjsError(label, `the package has no ${file}`);
  return exportedLiteral(readFileSync(file, 'utf8'), (problem) => {
    throw new TfjsError(file, `cannot read the bundled model: ${problem}`);
  });
}

/**
 * Loads one of nsfwjs's models (default 'mobilenet_v2', 224x224) as a fovea
 * model; its final softmax is dropped (`removedSoftmax`), so the softmax of
 * its output gives nsfwjs's probabilities.
 *
 * Shape: [N, 3, 224, 224] → [N, 5] (inception_v3: 299x299). mobilenet_v2_mid's
 * 1792 pooled features are the value `nodeNames['…/feature_vector/SpatialSqueeze']`.
 * @example
 * const { model, classNames, normalize, inputShape } = loadNsfwjsModel('mobilenet_v2');
 */
export function loadNsfwjsModel(name = 'mobilenet_v2', options: {
  /** Resolve the package from this folder only (default: the working directory, then fovea's own node_modules). */
  from?: string;
} = {}): LoadedNsfwjs {
  const label = `nsfwjs:${name}`;
  if (!(NSFWJS_MODELS as readonly string[]).includes(name)) throw new TfjsError(label, `unknown nsfwjs model '${name}'; known: ${NSFWJS_MODELS.join(', ')}`);
  const dir = packageDir(options.from, label);
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  const models = join(dir, 'dist', 'models', name);
  const json = readBundle(join(models, 'model.min.js'), label);
  const fail = (problem: string): never => {
    throw new TfjsError(label, problem);
  };
  const manifest = parseWeightsManifest(isRecord(json) ? json['weightsManifest'] : undefined, fail);
  const shards = manifest.groups.flatMap((g) => g.paths).map((p) => {
    // the manifest names shards 'group1-shard1of1'; the bundle is '<that>.min.js' exporting base64
    if (!/^[\w.-]+$/.test(p)) fail(`unexpected shard name '${p}'`);
    const b64 = readBundle(join(models, `${p}.min.js`), label);
    if (typeof b64 !== 'string') return fail(`shard bundle '${p}.min.js' does not export a base64 string`);
    return new Uint8Array(Buffer.from(b64, 'base64'));
  });
  const loaded = loadTfjs(json, shards, { source: label });
  return { ...loaded, classNames: [...NSFWJS_CLASS_NAMES], normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, packageDir: dir, version };
}
