// Build: the main bundle (Electron shell, gpw CLI/serve, profile worker), the sandboxed CommonJS
// preload, and the Svelte renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/entry.ts'),
          'profile-worker': resolve(__dirname, 'src-main/workers/profile-worker.ts'),
          'trace-worker': resolve(__dirname, 'src-main/workers/trace-worker.ts'),
          // The engine on its own, for scripts and benchmarks that drive it without a front end.
          engine: resolve(__dirname, 'src-main/engine.ts'),
          // gpw serve's server on its own, for benchmarks that serve an engine of their own making
          // (tests/bench/dialog-serve.mjs: the app's engine options, its open dialog answered by the bench).
          serve: resolve(__dirname, 'src-main/server/serve.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [svelte()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
