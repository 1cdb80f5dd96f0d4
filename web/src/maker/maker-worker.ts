/**
 * The classifier maker's worker: loads the backbone (cut before its
 * classifier with `cutBackbone`), decodes each photo as the backbone expects
 * (`decodeImage` with its size and fit, `modelInput` for the normalisation),
 * runs the frozen backbone once per photo and keeps the feature vector (a
 * photo added later, or a second training, costs only its own pass), then
 * trains a new head on the cached features with `trainHead`, reporting every
 * epoch. At the end: the validation photos' confusion matrix, Grad-CAM of
 * every misclassified one, and the whole classifier as .fovea and ONNX bytes.
 */
import {
  ConfusionMatrix, Sequential, cutBackbone, decodeImage, encodeModel, exportOnnx, getBackend, gradCam, loadModelFiles, manualSeed, modelInput, noGrad,
  softmax, stratifiedSplit, Tensor, trainHead, type FeatureSet, type ImageData8, type ModelMeta, type Module,
} from 'fovea';
import { setUpBackend } from '../backend-setup.js';
import type { BackboneFiles, BackboneInfo, FromMaker, MakerPhoto, MakerResult, MakerTrainConfig, Misclassified, ToMaker } from './maker-protocol.js';

/** The head's training recipe: Adam on standardised features, a little weight decay, cosine schedule (measured on held-out flower photos). */
const RECIPE = { optimizer: 'adam', lr: 3e-3, weightDecay: 1e-3, momentum: 0.9, schedule: 'cosine', labelSmoothing: 0, batchSize: 16, dropout: 0.2 } as const;
/** Misclassified validation photos explained with Grad-CAM, at most. */
const MAX_EXPLAINED = 24;

setUpBackend({});
const post = (m: FromMaker, transfer: Transferable[] = []): void => (globalThis as unknown as { postMessage(m: FromMaker, t: Transferable[]): void }).postMessage(m, transfer);

interface Loaded {
  info: BackboneInfo;
  meta: ModelMeta;
  backbone: Module;
  /** Features and the decoded picture of every photo seen with this backbone, by photo id. */
  cache: Map<number, { features: Float32Array; image: ImageData8 }>;
}
let loaded: Loaded | null = null;
/** Messages run one after another: a training never sees the backbone change under it. */
let queue: Promise<void> = Promise.resolve();

globalThis.onmessage = (e: MessageEvent<ToMaker>): void => {
  const m = e.data;
  queue = queue.then(async () => {
    try {
      if (m.type === 'backbone') post({ type: 'backbone', info: openBackbone(m.backbone) });
      else post(...await train(m.config));
    } catch (err) {
      post({ type: 'error', message: (err as Error).message ?? String(err), during: m.type });
    }
  });
};

function openBackbone(b: BackboneFiles): BackboneInfo {
  const { model, meta, format } = loadModelFiles(b.files, b.name);
  const [c] = meta.inputShape;
  if (c !== 3 && c !== 1) throw new Error(`${b.name} takes ${c}-channel input; a backbone for photos takes 3 (RGB) or 1 (grayscale) channels`);
  const cut = cutBackbone(model, meta.inputShape, b.cutAt ? { at: b.cutAt } : {});
  cut.model.eval();
  cut.model.requiresGrad_(false);
  const info: BackboneInfo = {
    name: b.name, format, inputShape: [...meta.inputShape], fit: meta.fit ?? 'fill', features: cut.features, cutAt: cut.cutAt, parameters: cut.model.numParameters(),
  };
  loaded = { info, meta, backbone: cut.model, cache: new Map() };
  return info;
}

/** Features of every photo, from the cache or from one backbone pass each; reports progress. */
async function features(l: Loaded, photos: MakerPhoto[], classNames: readonly string[]): Promise<{ seconds: number; cached: number }> {
  const todo = photos.filter((p) => !l.cache.has(p.id));
  const [c, h, w] = l.meta.inputShape;
  const t0 = performance.now();
  let done = 0;
  for (const p of todo) {
    let image: ImageData8;
    try {
      image = await decodeImage(p.blob, { channels: c === 1 ? 1 : 3, size: [h, w], fit: l.info.fit, name: p.name });
    } catch (e) {
      throw new Error(`${(e as Error).message} (a photo of class '${classNames[p.label]}': press its thumbnail to take it out)`);
    }
    const f = noGrad(() => l.backbone.forward(modelInput(l.meta, image)));
    l.cache.set(p.id, { features: f.data.slice(), image });
    done++;
    post({ type: 'features', done, total: todo.length, imagesPerSecond: done / Math.max((performance.now() - t0) / 1000, 1e-3) });
  }
  return { seconds: todo.length ? (performance.now() - t0) / 1000 : 0, cached: photos.length - todo.length };
}

function featureSet(l: Loaded, photos: MakerPhoto[]): FeatureSet {
  const dim = l.info.features;
  const set: FeatureSet = { features: new Float32Array(photos.length * dim), labels: new Int32Array(photos.length), length: photos.length, dim, shape: [dim], views: 1 };
  photos.forEach((p, i) => {
    set.features.set(l.cache.get(p.id)!.features, i * dim);
    set.labels[i] = p.label;
  });
  return set;
}

/** Refuses a training the data cannot support, saying which class is short of what. */
function checkConfig(cfg: MakerTrainConfig): void {
  const n = cfg.classNames.length;
  if (n < 2) throw new Error(`a classifier needs at least 2 classes; there ${n === 1 ? 'is 1' : `are ${n}`}`);
  const seen = new Set<string>();
  for (const name of cfg.classNames) {
    if (!name.trim()) throw new Error('a class has no name; name every class');
    if (seen.has(name)) throw new Error(`two classes are called '${name}'; class names must differ`);
    seen.add(name);
  }
  cfg.classNames.forEach((name, k) => {
    const count = cfg.photos.filter((p) => p.label === k).length;
    if (count < 2) throw new Error(`class '${name}' has ${count} photo${count === 1 ? '' : 's'}; each class needs at least 2 (some to train on, some to validate with)`);
  });
  if (!(cfg.valFraction > 0 && cfg.valFraction < 1)) throw new Error(`the validation share must lie between 0 and 1, got ${cfg.valFraction}`);
  if (!(Number.isInteger(cfg.epochs) && cfg.epochs >= 1 && cfg.epochs <= 1000)) throw new Error(`epochs must be a whole number from 1 to 1000, got ${cfg.epochs}`);
}

async function train(cfg: MakerTrainConfig): Promise<[FromMaker, Transferable[]]> {
  const l = loaded;
  if (!l) throw new Error('no backbone is loaded yet');
  checkConfig(cfg);
  manualSeed(cfg.seed);
  const feat = await features(l, cfg.photos, cfg.classNames);
  const t0 = performance.now();
  const [trainIdx, valIdx] = stratifiedSplit(cfg.photos.map((p) => p.label), [1 - cfg.valFraction, cfg.valFraction], cfg.seed) as [Int32Array, Int32Array];
  const trainPhotos = [...trainIdx].map((i) => cfg.photos[i]!);
  const valPhotos = [...valIdx].map((i) => cfg.photos[i]!);
  const numClasses = cfg.classNames.length;
  // trainHead standardises the sets it is given in place: it gets its own copies, the raw features stay for the checks below.
  const h = await trainHead(featureSet(l, trainPhotos), {
    ...RECIPE, epochs: cfg.epochs, seed: cfg.seed, numClasses, val: valPhotos.length ? featureSet(l, valPhotos) : null,
    onEpochEnd: (e) => post({ type: 'epoch', epoch: e.epoch, epochs: cfg.epochs, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, valAccuracy: e.valAccuracy ?? null }),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const net = new Sequential({ backbone: l.backbone, head: h.head });
  net.eval();
  const { confusion, misclassified } = validate(l, net, h.head, valPhotos, numClasses);
  const meta: ModelMeta = {
    inputShape: l.meta.inputShape, normalize: l.meta.normalize, classNames: [...cfg.classNames], fit: l.info.fit,
    training: {
      trainedIn: 'the fovea classifier maker (web page)', model: 'transfer', mode: 'frozen backbone', backbone: l.info.name, cutAt: l.info.cutAt,
      photos: cfg.photos.length, train: trainPhotos.length, validation: valPhotos.length, epochs: cfg.epochs, bestEpoch: h.fit.bestEpoch, seed: cfg.seed,
      optimizer: RECIPE.optimizer, lr: RECIPE.lr, weightDecay: RECIPE.weightDecay, batchSize: RECIPE.batchSize, valAccuracy: valPhotos.length ? confusion.accuracy : null,
      backend: getBackend().name, date: new Date().toISOString(),
    },
  };
  const fovea = encodeModel(net, meta);
  let onnx: Uint8Array | null = null, onnxError: string | null = null;
  try {
    onnx = exportOnnx(net, { inputShape: meta.inputShape, meta });
  } catch (e) {
    onnxError = (e as Error).message;
  }
  const result: MakerResult = {
    featureSeconds: feat.seconds, trainSeconds, cached: feat.cached, trainCount: trainPhotos.length, valCount: valPhotos.length,
    valAccuracy: valPhotos.length ? confusion.accuracy : null, confusion: [...confusion.counts], bestEpoch: h.fit.bestEpoch, misclassified, fovea, onnx, onnxError,
  };
  return [{ type: 'done', result }, [fovea.buffer, ...(onnx ? [onnx.buffer] : [])] as Transferable[]];
}

/** The kept head on the validation photos' raw features (the standardisation is folded in), and Grad-CAM of each photo it gets wrong. */
function validate(l: Loaded, net: Module, head: Module, photos: MakerPhoto[], numClasses: number): { confusion: ConfusionMatrix; misclassified: Misclassified[] } {
  const confusion = new ConfusionMatrix(numClasses);
  const misclassified: Misclassified[] = [];
  if (!photos.length) return { confusion, misclassified };
  const set = featureSet(l, photos);
  const probs = noGrad(() => softmax(head.forward(new Tensor(set.features, [set.length, set.dim])), 1)).data;
  confusion.addBatch(probs, set.labels);
  photos.forEach((p, i) => {
    const row = probs.subarray(i * numClasses, (i + 1) * numClasses);
    let pred = 0;
    for (let k = 1; k < numClasses; k++) if (row[k]! > row[pred]!) pred = k;
    if (pred === p.label || misclassified.length >= MAX_EXPLAINED) return;
    const image = l.cache.get(p.id)!.image;
    const cam = gradCam(net, modelInput(l.meta, image), { classIndex: pred });
    misclassified.push({ id: p.id, name: p.name, actual: p.label, predicted: pred, probability: row[pred]!, image, cam: cam.map, camLayer: cam.layer });
  });
  return { confusion, misclassified };
}
