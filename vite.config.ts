/**
 * Vite build of the panel (renderer/) into dist/renderer/. Relative asset paths so both the
 * Electron custom protocol and the browser preview server can serve it from any base; the built
 * page carries a strict CSP so a policy violation shows up in the browser preview and in e2e.
 */
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer/', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer/', import.meta.url));

/** Adds the CSP meta tag to the built page only (the dev server injects inline scripts). */
function strictCsp(): Plugin {
  return {
    name: 'telemetry-strict-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: "default-src 'self'" },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), strictCsp()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
