/**
 * For tests: the team's shared real-data folder, $FOVEA_SHARED_DATA or
 * ../shared/data beside the repository (MNIST, Fashion-MNIST, flowers).
 * Tests that need it skip, saying so, where it is absent.
 */
import { fileURLToPath } from 'node:url';

/** @example const flowers = join(sharedDataDir(), 'flowers'); */
export function sharedDataDir(): string {
  const fromEnv = process.env['FOVEA_SHARED_DATA'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // This file is dist/testing/shared-data.js: three levels up is the folder holding the repository.
  return fileURLToPath(new URL('../../../shared/data/', import.meta.url));
}
