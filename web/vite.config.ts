// The explainer app's build. `fovea` resolves to the package's own built
// entry (dist/index.js, made by tsc earlier in `npm run build`): the app sees
// exactly the public exports a user of the package gets, nothing internal.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * fovea's wasm backend starts its threads from `new URL('./worker.js',
 * import.meta.url)`. Left alone, Vite treats that file as a plain asset
 * (copied or inlined as a data: URL, its own imports unresolved), so the
 * threads would never start. This turns it into a bundled worker chunk
 * (Vite's `?worker&url`), in the page and inside the training worker.
 */
function foveaWasmThreads(): Plugin {
  const pattern = /new URL\((['"])\.\/worker\.js\1,\s*import\.meta\.url\)/g;
  return {
    name: 'fovea-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith('/backend/wasm/thread-pool.js') || !code.match(pattern)) return null;
      // Same lines (the import goes last; imports are hoisted), so the file's own source map still fits.
      return { code: `${code.replace(pattern, 'new URL(__foveaWasmWorkerUrl, import.meta.url)')}\nimport __foveaWasmWorkerUrl from './worker.js?worker&url';\n`, map: null };
    },
  };
}

export default defineConfig({
  root: here('.'),
  // Relative asset URLs: the app works under any path prefix and from `fovea serve`.
  base: './',
  resolve: { alias: { fovea: here('../dist/index.js') } },
  plugins: [foveaWasmThreads()],
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The wasm kernels travel inside the JS as base64 (no separate fetch): the main chunk is big on purpose.
    chunkSizeWarningLimit: 1024,
    // No keepNames: layers carry their own stable type names (static `type`), so minified class names are harmless.
    rolldownOptions: { input: { main: here('index.html'), bench: here('bench.html'), 'bench-workloads': here('bench-workloads.html'), maker: here('maker.html'), tutorial: here('tutorial.html') } },
  },
  worker: { format: 'es', plugins: () => [foveaWasmThreads()] },
  server: {
    // The same isolation headers as `fovea serve`, so `vite` dev mode gets SharedArrayBuffer too.
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
  preview: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
