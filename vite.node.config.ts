/**
 * Builds the two plain-Node entry points, the `intake` CLI and the reference
 * server, to out/cli/index.js and out/server/index.js. Dependencies stay
 * external (installed next to the package), as electron-vite does for main.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out',
    emptyOutDir: false,
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      input: {
        cli: 'src/cli/index.ts',
        server: 'src/server/main.ts',
      },
      output: {
        format: 'es',
        entryFileNames: '[name]/index.js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        banner: (chunk) => (chunk.isEntry ? '#!/usr/bin/env node' : ''),
      },
    },
  },
});
