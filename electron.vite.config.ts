import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The engine (the writer), gold's fold, the reader (the UI's reads) and the checkpointer run in worker
        // threads of their own, each built as a file of its own next to the main entry.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'engine-worker': resolve(__dirname, 'src/main/engine-worker.ts'),
          'gold-worker': resolve(__dirname, 'src/main/gold-worker.ts'),
          'reader-worker': resolve(__dirname, 'src/main/reader-worker.ts'),
          'checkpoint-worker': resolve(__dirname, 'src/main/checkpoint-worker.ts'),
        },
        // Shared chunks beside the entries, not in chunks/: spawnWorker finds a worker's file next to its own
        // module (import.meta.url), and the engine's worker starts gold's through the same shared module.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves the renderer unminified (a local file for Electron); `vigia serve` sends it over
      // HTTP, and the page parses 2.5 MB of script before it asks anything: minified, a third of it.
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
})
