/**
 * A one-line text syntax for augmentation pipelines, for the command line
 * (`fovea train --augment`, `fovea augment --transform`) and config files:
 * `hflip,rotate:15,affine:translate=0.1,scale=0.9-1.1,crop:4,jitter`.
 */
import { ValueError } from '../../errors.js';
import { colorJitter } from './color-jitter.js';
import { compose } from './compose.js';
import { grayscale } from './grayscale.js';
import { randomAffine, type RandomAffineOptions } from './random-affine.js';
import { randomCrop } from './random-crop.js';
import { randomHorizontalFlip } from './random-horizontal-flip.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { randomRotation } from './random-rotation.js';
import { randomVerticalFlip } from './random-vertical-flip.js';
import type { PaddingMode } from './geometry.js';
import { withSpec, type Transform } from './transform.js';

/** The syntax, for `--help` texts. */
export const TRANSFORM_SYNTAX = `A comma-separated list of steps, applied in order; each step is NAME,
NAME:VALUE or NAME:KEY=VALUE, and more KEY=VALUE pairs may follow after
commas or colons. A range is MIN-MAX (e.g. 0.9-1.1, -10-20).
  hflip[:P]            random horizontal flip, probability P (default 0.5)
  vflip[:P]            random vertical flip (default 0.5)
  rotate[:D]           random rotation in [-D, D] degrees or a range (default 15)
  affine[:KEY=VALUE]   random affine; keys degrees=D|MIN-MAX, translate=F|FXxFY
                       (fractions of width/height), scale=MIN-MAX, shear=S|MIN-MAX,
                       fill=V; bare 'affine' = degrees=10,translate=0.1,scale=0.9-1.1
                       (given keys replace these defaults; the others are off)
  crop[:P]             random crop back to the input size after padding P pixels
                       (default 4); keys padding=P, fill=V, mode=constant|edge|reflect|symmetric
  resized-crop[:A-B]   random resized crop back to the input size, area fraction
                       A-B (default 0.08-1); key ratio=MIN-MAX (default 0.75-1.333)
  jitter[:V]           colour jitter, brightness/contrast/saturation strength V
                       (default 0.2); keys brightness=, contrast=, saturation=, hue= (<= 0.5)
  gray                 grayscale (keeps the channel count)
Example: hflip,rotate:15,affine:translate=0.1,scale=0.9-1.1,crop:4,jitter`;

/** One parsed step: its name, its unnamed value and its KEY=VALUE pairs. */
export interface TransformStep {
  name: string;
  value?: string;
  args: Record<string, string>;
}

/**
 * Parses an augmentation list (see {@link TRANSFORM_SYNTAX}) into one
 * composed {@link Transform} for images of `[height, width]` (the crops
 * crop back to that size), plus the parsed steps.
 *
 * @throws {ValueError} naming the list and the bad step: unknown name, unknown key, a value that is not a number or range.
 * @example
 * const { transform } = parseTransforms('hflip,rotate:15,crop:4', { height: 32, width: 32 });
 * const out = transform(img, new Generator(1));
 */
export function parseTransforms(spec: string, size: { height: number; width: number }): { transform: Transform; steps: TransformStep[] } {
  const steps = parseSteps(spec);
  const transforms = steps.map((s) => {
    try {
      return build(s, size);
    } catch (e) {
      if (e instanceof ValueError) throw new ValueError(`augmentation list '${spec}': step '${describeStep(s)}': ${e.message}`);
      throw e;
    }
  });
  // The spec is the list itself: shorter than the composed factories' specs, and what a user wrote.
  return { transform: withSpec(compose(transforms), 'parseTransforms', [spec, { height: size.height, width: size.width }]), steps };
}

/** The steps of an augmentation list, without building them (syntax check only). */
export function parseSteps(spec: string): TransformStep[] {
  const fail = (why: string): never => {
    throw new ValueError(`augmentation list '${spec}': ${why}`);
  };
  const steps: TransformStep[] = [];
  for (const raw of spec.split(',')) {
    const token = raw.trim();
    if (token === '') fail('empty step (two commas in a row, or a trailing comma)');
    const eq = token.indexOf('=');
    const colon = token.indexOf(':');
    if (eq > 0 && (colon < 0 || eq < colon)) {
      // KEY=VALUE continuing the previous step: "affine:translate=0.1,scale=0.9-1.1"
      const prev = steps[steps.length - 1];
      if (!prev) fail(`'${token}' has no step before it to belong to`);
      addArgs(prev!, token.split(':'), fail);
      continue;
    }
    const [name, ...rest] = token.split(':');
    if (!/^[a-z][a-z-]*$/i.test(name!)) fail(`'${token}' does not start with a step name`);
    const step: TransformStep = { name: name!.toLowerCase(), args: {} };
    addArgs(step, rest, fail);
    steps.push(step);
  }
  return steps;
}

function addArgs(step: TransformStep, parts: string[], fail: (why: string) => never): void {
  for (const part of parts) {
    const p = part.trim();
    if (p === '') fail(`step '${step.name}' has an empty argument`);
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (step.value !== undefined) fail(`step '${step.name}' has two values ('${step.value}' and '${p}'); name the second, e.g. KEY=${p}`);
      step.value = p;
    } else {
      const key = p.slice(0, eq).trim().toLowerCase();
      if (key in step.args) fail(`step '${step.name}' sets ${key} twice`);
      step.args[key] = p.slice(eq + 1).trim();
    }
  }
}

function describeStep(s: TransformStep): string {
  return [s.name + (s.value !== undefined ? `:${s.value}` : ''), ...Object.entries(s.args).map(([k, v]) => `${k}=${v}`)].join(',');
}

const KEYS: Record<string, readonly string[]> = {
  hflip: ['p'], vflip: ['p'], rotate: ['degrees', 'fill'], affine: ['degrees', 'translate', 'scale', 'shear', 'fill'],
  crop: ['padding', 'fill', 'mode'], 'resized-crop': ['scale', 'ratio'], jitter: ['brightness', 'contrast', 'saturation', 'hue'], gray: [],
};

function build(s: TransformStep, size: { height: number; width: number }): Transform {
  const keys = KEYS[s.name];
  if (!keys) throw new ValueError(`unknown step '${s.name}'; known: ${Object.keys(KEYS).join(', ')}`);
  for (const k of Object.keys(s.args)) {
    if (!keys.includes(k)) throw new ValueError(keys.length ? `unknown key '${k}'; '${s.name}' takes ${keys.join(', ')}` : `'${s.name}' takes no keys`);
  }
  const arg = (key: string): string | undefined => s.args[key] ?? (key === keys[0] ? s.value : undefined);
  if (s.value !== undefined && keys.length === 0) throw new ValueError(`'${s.name}' takes no value`);
  if (s.value !== undefined && s.args[keys[0]!] !== undefined) throw new ValueError(`both a value and ${keys[0]}= given`);
  const { height, width } = size;
  switch (s.name) {
    case 'hflip': return randomHorizontalFlip(num(arg('p') ?? '0.5', 'p'));
    case 'vflip': return randomVerticalFlip(num(arg('p') ?? '0.5', 'p'));
    case 'rotate': return randomRotation(rangeOrNumber(arg('degrees') ?? '15', 'degrees'), { fill: num(arg('fill') ?? '0', 'fill') });
    case 'affine': return randomAffine(affineOptions(s, arg));
    case 'crop': {
      const mode = arg('mode') ?? 'constant';
      if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) throw new ValueError(`mode is '${mode}'; expected constant, edge, reflect or symmetric`);
      return randomCrop([height, width], { padding: int(arg('padding') ?? '4', 'padding'), fill: num(arg('fill') ?? '0', 'fill'), paddingMode: mode as PaddingMode });
    }
    case 'resized-crop': return randomResizedCrop([height, width], { scale: range(arg('scale') ?? '0.08-1', 'scale'), ratio: range(arg('ratio') ?? `0.75-${4 / 3}`, 'ratio') });
    case 'jitter': {
      const hasKeys = Object.keys(s.args).length > 0;
      const strength = s.value !== undefined ? s.value : hasKeys ? undefined : '0.2';
      const opt = (key: string): number | [number, number] | undefined => {
        const v = s.args[key] ?? (key === 'hue' ? undefined : strength);
        return v === undefined ? undefined : rangeOrNumber(v, key);
      };
      const o = { brightness: opt('brightness'), contrast: opt('contrast'), saturation: opt('saturation'), hue: opt('hue') };
      return colorJitter(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    }
    case 'gray': return (img, rng) => grayscale(img.channels === 3 ? 3 : 1)(img, rng);
    default: throw new ValueError(`unknown step '${s.name}'`);
  }
}

function affineOptions(s: TransformStep, arg: (key: string) => string | undefined): RandomAffineOptions {
  const bare = s.value === undefined && Object.keys(s.args).length === 0;
  const d = arg('degrees') ?? (bare ? '10' : undefined);
  const t = s.args['translate'] ?? (bare ? '0.1' : undefined);
  const sc = s.args['scale'] ?? (bare ? '0.9-1.1' : undefined);
  const sh = s.args['shear'];
  const o: RandomAffineOptions = { fill: num(s.args['fill'] ?? '0', 'fill') };
  if (d !== undefined) o.degrees = rangeOrNumber(d, 'degrees');
  if (t !== undefined) {
    const parts = t.split(/[x/]/i).map((v) => num(v, 'translate'));
    if (parts.length > 2) throw new ValueError(`translate is '${t}'; expected F or FXxFY`);
    o.translate = [parts[0]!, parts[1] ?? parts[0]!];
  }
  if (sc !== undefined) {
    const r = rangeOrNumber(sc, 'scale');
    o.scale = typeof r === 'number' ? [r, r] : r;
  }
  if (sh !== undefined) o.shear = rangeOrNumber(sh, 'shear');
  return o;
}

function num(text: string, key: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new ValueError(`${key} is '${text}'; expected a number`);
  return v;
}

function int(text: string, key: string): number {
  const v = num(text, key);
  if (!Number.isInteger(v) || v < 0) throw new ValueError(`${key} is '${text}'; expected a non-negative integer`);
  return v;
}

/** "0.9-1.1" → [0.9, 1.1]; "-10-10" → [-10, 10]. */
function range(text: string, key: string): [number, number] {
  const r = rangeOrNumber(text, key);
  if (typeof r === 'number') throw new ValueError(`${key} is '${text}'; expected a range MIN-MAX such as 0.9-1.1`);
  return r;
}

function rangeOrNumber(text: string, key: string): number | [number, number] {
  const t = text.trim();
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  const m = /^(-?[0-9.]+(?:e[-+]?[0-9]+)?)-(-?[0-9.]+(?:e[-+]?[0-9]+)?)$/i.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (Number.isFinite(a) && Number.isFinite(b)) {
      if (a > b) throw new ValueError(`${key} range '${text}' has its minimum above its maximum`);
      return [a, b];
    }
  }
  throw new ValueError(`${key} is '${text}'; expected a number or a range MIN-MAX`);
}
