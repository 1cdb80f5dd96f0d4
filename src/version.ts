/**
 * fovea's version, read once from the package's own package.json, so that
 * `fovea --version`, the training metadata saved in model files and the
 * benchmark's info line can never disagree with what npm installed.
 *
 * Node-only (it reads a file): the CLI and the bench use it; the
 * platform-free main entry (`fovea`) must not import it.
 *
 * @example
 * import { FOVEA_VERSION } from '../version.js';
 * console.log(FOVEA_VERSION); // '0.1.0'
 */
import { readFileSync } from 'node:fs';

// dist/version.js sits one level below the package root, in the checkout and in node_modules/fovea alike.
const PACKAGE_JSON = new URL('../package.json', import.meta.url);

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { name?: unknown; version?: unknown };
  if (pkg.name !== 'fovea' || typeof pkg.version !== 'string') {
    throw new Error(`fovea: ${PACKAGE_JSON.pathname} is not fovea's package.json (name ${String(pkg.name)}, version ${String(pkg.version)}); reinstall fovea so that dist/ sits beside its package.json`);
  }
  return pkg.version;
}

/** The installed fovea's version, as in its package.json (e.g. '0.1.0'). */
export const FOVEA_VERSION: string = readVersion();
