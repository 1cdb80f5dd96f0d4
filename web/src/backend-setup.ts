/**
 * The backend choice for the page and the training worker, made before any
 * tensor exists: the wasm backend (SIMD, shared memory) where the page is
 * cross-origin isolated, else the js reference backend.
 *
 * The page's main thread runs on one thread: a page may not block in
 * Atomics.wait, so a thread pool there would spin the UI thread, and
 * LeNet-sized models draw every layer in ~2 ms on one thread anyway. The
 * training worker uses every core: a worker may block, and fovea's pool lets
 * the caller compute alone until its own workers have started (a browser
 * starts a Web Worker only once its creator returns to the event loop).
 */
import { configureBackend } from 'fovea';

/** Activates the backend; returns its name. `threads` defaults to 1 (the page). */
export function setUpBackend(options: { threads?: number } = { threads: 1 }): string {
  return configureBackend(options.threads === undefined ? {} : { threads: options.threads }).backend;
}
