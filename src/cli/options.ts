/**
 * Flags and helpers shared by several commands: --backend/--threads (the
 * one place the thread range is checked), --json, printing.
 */
import { flag } from './flags.js';

/** Prints a JSON result (for --json) on stdout. */
export function printJson(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

export const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

/** --json, with the command's own words for what it prints. */
export const jsonFlag = (help = 'machine-readable output') => flag.boolean({ help });

/** --backend and --threads, shared by the commands that compute. */
export const backendFlags = {
  backend: flag.enum(['wasm', 'js'], { help: 'wasm (default where WebAssembly SIMD is available) or js' }),
  threads: flag.int({ min: 1, max: 16, help: 'wasm threads (default: every core)' }),
};

/** Applies --backend/--threads (before any tensor is made); returns what is in use. */
export async function applyBackend(v: { backend: 'wasm' | 'js' | undefined; threads: number | undefined }): Promise<{ backend: string; threads: number }> {
  const { configureBackend } = await import('../backend/configure.js');
  return configureBackend({ ...(v.backend !== undefined ? { backend: v.backend } : {}), ...(v.threads !== undefined ? { threads: v.threads } : {}) });
}

/** ImageNet's per-channel mean and std (on [0, 1] pixels): `--mean imagenet --std imagenet`. */
export const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
