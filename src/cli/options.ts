/**
 * Shared option parsing for the commands (node:util parseArgs, strict).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options, command: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

export function num(values: Record<string, unknown>, name: string, fallback: number, check: (v: number) => boolean = Number.isFinite): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!check(v)) throw new UsageError(`--${name}: invalid value '${String(raw)}'`);
  return v;
}

export const int = (v: number): boolean => Number.isInteger(v) && v >= 0;
export const positive = (v: number): boolean => Number.isFinite(v) && v > 0;

export function str(values: Record<string, unknown>, name: string, fallback: string): string {
  const raw = values[name];
  return typeof raw === 'string' ? raw : fallback;
}

/** Prints a JSON result (for --json) on stdout. */
export function printJson(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

export const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

/** --backend and --threads, shared by the commands that compute. */
export const backendOptions: Options = { backend: { type: 'string' }, threads: { type: 'string' } };

export const backendHelp = `  --backend NAME        wasm (default where WebAssembly SIMD is available) or js
  --threads N           wasm threads (default: every core)`;

/** Applies --backend/--threads (before any tensor is made); returns what is in use. */
export async function applyBackend(values: Record<string, unknown>): Promise<{ backend: string; threads: number }> {
  const { configureBackend } = await import('../backend/configure.js');
  const threads = values['threads'] === undefined ? undefined : num(values, 'threads', 1, (x) => Number.isInteger(x) && x >= 1 && x <= 16);
  return configureBackend({
    ...(typeof values['backend'] === 'string' ? { backend: values['backend'] } : {}),
    ...(threads !== undefined ? { threads } : {}),
  });
}

/** ImageNet's per-channel mean and std (on [0, 1] pixels): `--mean imagenet --std imagenet`. */
export const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * A comma-separated list of numbers given for `--flag`, or a clear usage error.
 * @example numberList('0.5,0.5,0.5', 'mean') // [0.5, 0.5, 0.5]
 */
export function numberList(raw: string, flag: string): number[] {
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (!v.length || v.some((x) => !Number.isFinite(x))) throw new UsageError(`--${flag}: expected comma-separated numbers, got '${raw}'`);
  return v;
}
