/**
 * Command-line flags, declared once: each command lists its flags (name,
 * type, range, default, short alias, help line, group) in one object and
 * gets from it the parsing (node:util parseArgs underneath), the checking
 * with messages that say what was expected, typed values, and the options
 * part of its `--help`. The prose of a help page (usage line, description,
 * examples) stays hand-written; the flag lines cannot drift from the flags.
 *
 * @example
 * const flags = {
 *   epochs: flag.int({ arg: 'N', min: 1, default: 10, help: 'passes over the training set' }),
 *   optimizer: flag.enum(['sgd', 'adam'], { default: 'sgd', help: 'the update rule' }),
 *   out: flag.string({ arg: 'FILE', short: 'o', help: 'where to write the model' }),
 * };
 * const { values } = parseFlags('train', flags, argv);
 * values.epochs;     // number
 * values.optimizer;  // 'sgd' | 'adam'
 * values.out;        // string | undefined
 */
import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';

/** A flag's value exactly as typed (or stored in a checkpoint); booleans are `true`. */
export type RawValues = Record<string, string | boolean | undefined>;

/** One declared flag that reads to a value of type T. */
export interface Flag<T> {
  readonly type: 'int' | 'number' | 'string' | 'enum' | 'boolean' | 'list' | 'size';
  /** The help text: one line, or several joined with '\n' (continuations are indented under the first). */
  readonly help: string;
  /** The value's placeholder in --help (N, X, NAME, FILE ...); '' for a boolean. */
  readonly arg: string;
  readonly short?: string;
  /** The heading the flag is listed under in --help; ungrouped flags come first. */
  readonly group?: string;
  /** The value when the flag is not given. */
  readonly fallback: T;
  /** The default as --help shows it, appended as "(default ...)"; absent: nothing is appended. */
  readonly defaultText?: string;
  /** What a value must look like, for the error message: "an integer >= 1". */
  readonly expects: string;
  /** The raw string as a value, or a UsageError naming `--name`. */
  read(raw: string, name: string): T;
}

/** A command's flags by name (kebab-case, as typed after `--`). */
export type Flags = Record<string, Flag<unknown>>;

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;

/** The typed values of a command's flags, keyed in camelCase (`--batch-size` → `batchSize`). */
export type FlagValues<F extends Flags> = { -readonly [K in keyof F & string as Camel<K>]: F[K] extends Flag<infer T> ? T : never };

/** `batch-size` → `batchSize`. */
export const camel = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

interface Common {
  help: string;
  arg?: string;
  short?: string;
  group?: string;
  /** Overrides the "expected ..." words of the error message. */
  expects?: string;
  /** Overrides how --help shows the default. */
  defaultText?: string;
}
type Value<T, O> = O extends { default: unknown } ? T : T | undefined;

const bad = (name: string, expects: string, raw: string): UsageError => new UsageError(`--${name}: expected ${expects}, got '${raw}'`);

function make<T>(type: Flag<T>['type'], o: Common & { default?: unknown }, arg: string, expects: string, read: (raw: string, name: string) => T, show?: (v: never) => string): Flag<T> {
  const shown = o.defaultText ?? (o.default === undefined ? undefined : show ? show(o.default as never) : String(o.default));
  return {
    type, help: o.help, arg: o.arg ?? arg, fallback: o.default as T, expects: o.expects ?? expects, read,
    ...(o.short !== undefined ? { short: o.short } : {}), ...(o.group !== undefined ? { group: o.group } : {}),
    ...(shown !== undefined ? { defaultText: shown } : {}),
  };
}

/** ">= 1", "from 1 to 16", "> 0 and < 1" */
function rangeWords(r: { min?: number | undefined; max?: number | undefined; above?: number | undefined; below?: number | undefined }): string {
  if (r.min !== undefined && r.max !== undefined && r.above === undefined && r.below === undefined) return ` from ${r.min} to ${r.max}`;
  const parts = [
    r.min !== undefined ? `>= ${r.min}` : '', r.above !== undefined ? `> ${r.above}` : '',
    r.max !== undefined ? `<= ${r.max}` : '', r.below !== undefined ? `< ${r.below}` : '',
  ].filter(Boolean);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

interface Range { min?: number; max?: number; above?: number; below?: number }
const inRange = (x: number, r: Range): boolean =>
  (r.min === undefined || x >= r.min) && (r.max === undefined || x <= r.max) && (r.above === undefined || x > r.above) && (r.below === undefined || x < r.below);

/** A finite number written in decimal (not '', not 'Infinity', not '0x10'). */
function toNumber(raw: string): number {
  const s = raw.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN;
}

function listOf(o: { names?: string; values?: readonly string[] }): string {
  if (!o.values) return o.names ?? '';
  const v = o.values;
  return v.length > 1 ? `${v.slice(0, -1).join(', ')} or ${v[v.length - 1]}` : v.join('');
}

/** The value of `--size`: "64" (64 x 64) or "48x64" (height x width), each 1..4096. */
export function readSize(raw: string, name: string): [number, number] {
  const m = /^(\d+)(?:[x×](\d+))?$/i.exec(raw.trim());
  const h = m ? Number(m[1]) : NaN;
  const w = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(h >= 1 && w >= 1 && h <= 4096 && w <= 4096)) throw bad(name, 'N (N x N) or HxW, e.g. 64 or 48x64, each 1..4096', raw);
  return [h, w];
}

/** The flag types. Each takes the help line and its options; a `default` makes the value non-optional. */
export const flag = {
  /** A whole number, optionally in a range (`min`/`max` inclusive). */
  int<const O extends Common & { min?: number; max?: number; default?: number }>(o: O): Flag<Value<number, O>> {
    const expects = `an integer${rangeWords(o)}`;
    return make('int', o, 'N', expects, (raw, name) => {
      const x = toNumber(raw);
      if (!Number.isInteger(x) || !inRange(x, o)) throw bad(name, o.expects ?? expects, raw);
      return x as Value<number, O>;
    });
  },
  /** A finite number, optionally in a range (`min`/`max` inclusive, `above`/`below` exclusive). */
  number<const O extends Common & Range & { default?: number }>(o: O): Flag<Value<number, O>> {
    const expects = `a number${rangeWords(o)}`;
    return make('number', o, 'X', expects, (raw, name) => {
      const x = toNumber(raw);
      if (!Number.isFinite(x) || !inRange(x, o)) throw bad(name, o.expects ?? expects, raw);
      return x as Value<number, O>;
    });
  },
  /** Any text (a file name, a spec the command reads itself). */
  string<const O extends Common & { default?: string }>(o: O): Flag<Value<string, O>> {
    return make('string', o, 'VALUE', 'a value', (raw) => raw as Value<string, O>);
  },
  /**
   * One of a fixed set of words. `values` may map each to a few words of
   * explanation, which the error message repeats.
   */
  enum<const V extends string, const O extends Common & { default?: NoInfer<V> }>(values: readonly V[] | Readonly<Record<V, string>>, o: O): Flag<Value<V, O>> {
    const names = (Array.isArray(values) ? values : Object.keys(values)) as V[];
    const described = Array.isArray(values) ? names : names.map((n) => `${n} (${(values as Record<V, string>)[n]})`);
    const expects = listOf({ values: described });
    return make('enum', o, 'NAME', expects, (raw, name) => {
      if (!(names as string[]).includes(raw)) throw new UsageError(`--${name}: unknown '${raw}'; expected ${o.expects ?? expects}`);
      return raw as Value<V, O>;
    });
  },
  /** Present or not; never takes a value. */
  boolean(o: Common): Flag<boolean> {
    return make('boolean', { ...o, default: false, defaultText: '' }, '', 'no value', () => true);
  },
  /**
   * A comma-separated list: of numbers, integers, free strings, or words of a
   * fixed set. `length` fixes the count; `named` gives whole lists a name
   * (`imagenet` for ImageNet's channel means).
   */
  list<const I extends 'number' | 'int' | 'string' | readonly string[], const O extends Common & Range & { length?: number; named?: Record<string, readonly number[]>; default?: readonly ListItem<I>[] }>(item: I, o: O): Flag<Value<ListItem<I>[], O>> {
    const words = item === 'number' ? `numbers${rangeWords(o)}` : item === 'int' ? `integers${rangeWords(o)}` : item === 'string' ? 'names' : listOf({ values: item as readonly string[] });
    const expects = typeof item === 'string' ? `${o.length ?? ''}${o.length ? ' ' : ''}comma-separated ${words}${o.named ? ` or ${Object.keys(o.named).join(', ')}` : ''}` : `a comma-separated list of ${words}`;
    return make('list', o, 'LIST', expects, (raw, name) => {
      const named = o.named?.[raw];
      if (named) return [...named] as Value<ListItem<I>[], O>;
      const parts = raw.split(',').map((s) => s.trim());
      if (typeof item !== 'string') {
        const unknown = parts.find((p) => !(item as readonly string[]).includes(p));
        if (unknown !== undefined) throw new UsageError(`--${name}: unknown '${unknown}'; expected ${o.expects ?? expects}`);
        return parts as Value<ListItem<I>[], O>;
      }
      if (item === 'string') {
        if (parts.some((p) => p === '')) throw bad(name, o.expects ?? expects, raw);
        return parts as Value<ListItem<I>[], O>;
      }
      const xs = parts.map(toNumber);
      const ok = xs.length > 0 && xs.every((x) => Number.isFinite(x) && inRange(x, o) && (item !== 'int' || Number.isInteger(x)));
      if (!ok || (o.length !== undefined && xs.length !== o.length)) throw bad(name, o.expects ?? expects, raw);
      return xs as Value<ListItem<I>[], O>;
    }, (d: readonly unknown[]) => d.join(','));
  },
  /** An image size: N (N x N) or HxW, each 1..4096, as [height, width]. */
  size<const O extends Common & { default?: readonly [number, number] }>(o: O): Flag<Value<[number, number], O>> {
    return make('size', o, 'N|HxW', 'N (N x N) or HxW', (raw, name) => readSize(raw, name) as Value<[number, number], O>,
      (d: readonly [number, number]) => (d[0] === d[1] ? String(d[0]) : `${d[0]}x${d[1]}`));
  },
};

type ListItem<I> = I extends 'number' | 'int' ? number : I extends 'string' ? string : I extends readonly (infer W)[] ? W : never;

/**
 * The raw values typed after `command`, checked against the declared names
 * (unknown flags and missing values are UsageErrors), and the positionals.
 */
export function parseRaw(command: string, flags: Flags, argv: string[]): { raw: RawValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, f] of Object.entries(flags)) options[name] = { type: f.type === 'boolean' ? 'boolean' : 'string', ...(f.short ? { short: f.short } : {}) };
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { raw: r.values as RawValues, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** Reads raw values (typed now, or stored in a checkpoint) into typed ones; defaults fill the rest. */
export function readFlags<F extends Flags>(flags: F, raw: RawValues): FlagValues<F> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(flags)) {
    const r = raw[name];
    // A list default is copied: a command may change its values.
    const fallback = Array.isArray(f.fallback) ? [...(f.fallback as unknown[])] : f.fallback;
    out[camel(name)] = r === undefined ? fallback : f.type === 'boolean' ? r === true : f.read(String(r), name);
  }
  return out as FlagValues<F>;
}

/** What a command gets from its command line. */
export interface Parsed<F extends Flags> {
  values: FlagValues<F>;
  /** The flags given on the command line (by name), to tell "not given" from "given the default". */
  given: ReadonlySet<keyof F & string>;
  raw: RawValues;
  positionals: string[];
}

/**
 * Parses and checks a command line against the declared flags.
 * @throws {UsageError} for an unknown flag, a missing value or a value out of range.
 */
export function parseFlags<F extends Flags>(command: string, flags: F, argv: string[]): Parsed<F> {
  const { raw, positionals } = parseRaw(command, flags, argv);
  const given = new Set(Object.keys(raw).filter((k) => raw[k] !== undefined)) as Set<keyof F & string>;
  return { values: readFlags(flags, raw), given, raw, positionals };
}

/** The flag as --help writes it on the left: `-o, --out DIR`, `-n N`, `--json`. */
export function flagLabel(name: string, f: Flag<unknown>): string {
  const arg = f.arg ? ` ${f.arg}` : '';
  if (name.length === 1) return `-${name}${arg}`;
  return `${f.short ? `-${f.short}, ` : ''}--${name}${arg}`;
}

/**
 * The options part of a help page: one aligned entry per flag (its help text,
 * then its default), ungrouped flags first, then each group under its heading.
 */
export function flagHelp(flags: Flags): string {
  const entries = Object.entries(flags);
  const width = Math.max(...entries.map(([n, f]) => flagLabel(n, f).length)) + 2;
  const entry = ([name, f]: [string, Flag<unknown>]): string => {
    const lines = f.help.split('\n');
    if (f.defaultText) lines[lines.length - 1] += ` (default ${f.defaultText})`;
    const label = flagLabel(name, f);
    return [`  ${label.padEnd(width)}${lines[0]}`, ...lines.slice(1).map((l) => `  ${' '.repeat(width)}${l}`)].join('\n');
  };
  const groups = [...new Set(entries.map(([, f]) => f.group))];
  return groups.map((g) => {
    const mine = entries.filter(([, f]) => f.group === g).map(entry);
    return g === undefined ? mine.join('\n') : [g, ...mine].join('\n');
  }).join('\n\n');
}

/**
 * A command's whole help page: the hand-written usage and description, the
 * generated options, and any hand-written notes after them.
 */
export function helpPage(o: { usage: string; about: string; flags: Flags; notes?: string }): string {
  return [o.usage, o.about, flagHelp(o.flags), ...(o.notes ? [o.notes] : [])].filter((s) => s !== '').join('\n\n');
}
