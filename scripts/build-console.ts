// Builds the web console (web/ -> web/dist/, served by the API under /console/): first its API
// types from the OpenAPI document (scripts/api-types.ts), then the bundle. As a script (`npm run
// build:web`) it always builds; `npm start` and the test setup call ensureConsoleBuilt(), which
// builds only when a source is newer than the last build.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { writeApiTypes } from './api-types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(root, 'web');
export const consoleIndex = path.join(webDir, 'dist', 'index.html');
/** Server modules the console bundles (the score arithmetic and word counting). */
const sharedSources = ['src/domain/scores.ts', 'src/scoring/text-features.ts'].map((f) => path.join(root, f));

async function newestSource(): Promise<number> {
  const entries = await readdir(path.join(webDir, 'src'), { recursive: true, withFileTypes: true });
  const files = [
    ...entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)),
    path.join(webDir, 'index.html'),
    path.join(webDir, 'vite.config.ts'),
    ...sharedSources,
  ];
  const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
  return Math.max(...times);
}

export async function buildConsole(): Promise<void> {
  await writeApiTypes();
  await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn' });
}

/** Builds the console unless web/dist is newer than every source; says which. */
export async function ensureConsoleBuilt(): Promise<'built' | 'up to date'> {
  const built = await stat(consoleIndex).then((s) => s.mtimeMs, () => 0);
  if (built > (await newestSource())) return 'up to date';
  await buildConsole();
  return 'built';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildConsole();
  process.stdout.write(`Web console built into web/dist/ in ${Date.now() - started} ms.\n`);
}
