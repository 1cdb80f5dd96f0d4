// The explainer app's build. `fovea` resolves to the package's own built
// entry (dist/index.js, made by tsc earlier in `npm run build`): the app sees
// exactly the public exports a user of the package gets, nothing internal.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  // Relative asset URLs: the app works under any path prefix and from `fovea serve`.
  base: './',
  resolve: { alias: { fovea: here('../dist/index.js') } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The wasm kernels travel inside the JS as base64 (no separate fetch): the main chunk is big on purpose.
    chunkSizeWarningLimit: 1024,
    rollupOptions: { input: { main: here('index.html'), bench: here('bench.html') } },
  },
  worker: { format: 'es' },
  server: {
    // The same isolation headers as `fovea serve`, so `vite` dev mode gets SharedArrayBuffer too.
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
  preview: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
