// The web console: a static build under /console/, served by the API (src/console). `npm run
// dev:web` runs Vite's dev server with the API calls proxied to a running `npm start`.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const api = process.env.CONSOLE_API_URL ?? 'http://127.0.0.1:3000';
const apiPaths = ['/auth', '/me', '/tasks', '/sittings', '/submissions', '/reviews', '/admin', '/attempts', '/progress', '/console/settings.json'];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [preact({ devToolsEnabled: false })],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: api }])) },
});
