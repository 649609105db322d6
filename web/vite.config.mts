/**
 * The web app's build. Run from the repository root as `vite build web` (npm run build:web), so `root` is this folder and the bundle lands
 * in web/dist, which the API process serves (api/web.ts). No plugins: Oxc compiles TSX with React's automatic runtime.
 * Everything is bundled; the machines are offline, so nothing may load from a CDN or an external font service.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // `vite web` during development: the API runs separately on its own port.
    proxy: { '/api': process.env.CHILDSAFE_API_URL ?? 'http://127.0.0.1:3000' },
  },
});
