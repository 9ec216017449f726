import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { META_CSP } from './src/core/desktop/appAssetPath';

/** The production CSP as a meta tag, in built pages only: the dev server needs inline scripts and a socket. */
const cspMetaTag = {
  name: 'intake-csp-meta',
  apply: 'build' as const,
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CSP }, injectTo: 'head-prepend' as const }],
};

export default defineConfig({
  main: {
    build: {
      // coreHost: the engine's own process (Electron utilityProcess), forked by main.
      rollupOptions: { input: { index: resolve('src/main/index.ts'), coreHost: resolve('src/main/host/coreHost.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron`: bundle its dependencies (zod) into it.
      externalizeDeps: false,
      // One CommonJS file each: a sandboxed preload cannot load ES modules or chunks. The two
      // preloads (Intake's window, the proxy sign-in dialog) share no module, so rollup makes no
      // shared chunk; test/main/builtPreload.test.ts checks each needs only `electron`.
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts'), proxyLogin: resolve('src/preload/proxyLogin.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), cspMetaTag],
    build: {
      // Minified, as Vite builds it by default and as the renderer's e2e tests and the bench load it (electron-vite's
      // own default leaves it unminified: 954 KB of script for the window instead of 418 KB).
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html'), proxyLogin: resolve('src/renderer/proxyLogin.html') } },
    },
  },
});
