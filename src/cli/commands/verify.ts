/**
 * `fovea verify`: runs the kernel conformance suite and gradient checks on
 * every backend available on this machine and prints kernel x backend.
 */
import { configureBackend, getBackend } from '../../backend/configure.js';
import { runConformance, type ConformanceResult } from '../../backend/conformance.js';
import { KERNEL_NAMES, type KernelTable } from '../../backend/kernels.js';
import { createJsBackend } from '../../backend/js/index.js';
import { listBackends, setBackend } from '../../backend/registry.js';
import { gradcheckCases } from '../../tensor/gradcheck-suite.js';
import { helpPage, parseFlags } from '../flags.js';
import { backendFlags, jsonFlag, printJson } from '../options.js';

export const verifyFlags = {
  threads: backendFlags.threads,
  json: jsonFlag(),
};

export const verifyHelp = helpPage({
  usage: 'fovea verify [--threads N] [--json]',
  flags: verifyFlags,
  about: `Runs every kernel of every available backend (js, and wasm where WebAssembly
SIMD is available) against the js reference on many shapes, and
finite-difference gradient checks on each backend. Prints a table
kernel x backend: pass, FAIL, or fallback (served by the js reference).
Exits 1 if anything fails.`,
});

export async function verifyCommand(argv: string[]): Promise<void> {
  const { values: v } = parseFlags('verify', verifyFlags, argv);
  configureBackend(v.threads !== undefined ? { threads: v.threads } : {});
  const reference = createJsBackend().kernels as KernelTable;
  const names = listBackends();
  const conformance = new Map<string, ConformanceResult[]>();
  const grads = new Map<string, { name: string; covers: string; ok: boolean; message: string }[]>();
  const start = getBackend().name;
  for (const name of names) {
    setBackend(name);
    conformance.set(name, runConformance(getBackend().kernels, reference));
    grads.set(name, gradcheckCases().map((c) => {
      const r = c.run();
      return { name: c.name, covers: c.covers, ok: r.ok, message: r.ok ? '' : r.message };
    }));
  }
  setBackend(start);
  let failed = 0;
  for (const rs of conformance.values()) failed += rs.filter((r) => r.status === 'fail').length;
  for (const gs of grads.values()) failed += gs.filter((g) => !g.ok).length;
  if (v.json) {
    printJson({
      command: 'verify', backends: names, ok: failed === 0,
      kernels: KERNEL_NAMES.map((k) => ({ kernel: k, ...Object.fromEntries(names.map((b) => [b, conformance.get(b)!.find((r) => r.kernel === k)!.status])) })),
      gradients: gradcheckCases().map((c, i) => ({ check: c.name, ...Object.fromEntries(names.map((b) => [b, grads.get(b)![i]!.ok ? 'pass' : 'fail'])) })),
    });
  } else {
    const label = (s: string): string => (s === 'missing' ? 'fallback' : s === 'fail' ? 'FAIL' : s);
    const checks = gradcheckCases();
    const w = Math.max(...KERNEL_NAMES.map((k) => k.length), ...checks.map((c) => c.name.length)) + 2;
    const out = [`kernel`.padEnd(w) + names.map((n) => n.padEnd(10)).join('')];
    for (const k of KERNEL_NAMES) {
      out.push(k.padEnd(w) + names.map((b) => label(conformance.get(b)!.find((r) => r.kernel === k)!.status).padEnd(10)).join(''));
    }
    out.push('', 'gradient check'.padEnd(w) + names.map((n) => n.padEnd(10)).join(''));
    checks.forEach((c, i) => out.push(c.name.padEnd(w) + names.map((b) => (grads.get(b)![i]!.ok ? 'pass' : 'FAIL').padEnd(10)).join('')));
    for (const [b, rs] of conformance) for (const r of rs) if (r.status === 'fail') out.push(`\n${b} ${r.kernel}: ${r.failures.slice(0, 3).map((f) => `${f.case}: ${f.message}`).join('; ')}`);
    for (const [b, gs] of grads) for (const g of gs) if (!g.ok) out.push(`\n${b} gradient ${g.name}: ${g.message}`);
    out.push('', failed === 0 ? `all checks passed on ${names.join(', ')}` : `${failed} check(s) failed`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (failed) process.exitCode = 1;
}
