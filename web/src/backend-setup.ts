/**
 * The backend choice for the page and the training worker, made before any
 * tensor exists: the wasm backend (SIMD, shared memory) where the page is
 * cross-origin isolated, else the js reference backend; one thread.
 *
 * Why one thread: a thread pool started from a thread that then waits on it
 * never sees its workers start, because a browser starts a Web Worker only
 * once the creating thread returns to its event loop. The page's main thread
 * and the training worker both run their forward/backward passes
 * synchronously, so the pool's first job would wait (until the 30 s
 * watchdog) for workers that cannot start. LeNet-sized models run in well
 * under a frame on one thread. Multi-threading in the page needs the pool to
 * let the caller do all the work until its workers have checked in.
 */
import { configureBackend } from 'fovea';

/** Activates the backend; returns its name. */
export function setUpBackend(): string {
  return configureBackend({ threads: 1 }).backend;
}
