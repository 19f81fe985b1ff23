// Serving the built web console under /console/: its own CSP and Permissions-Policy, cache
// headers for hashed assets and for index.html, client-side routes answered with index.html,
// a 503 before it is built, and the public settings it reads at start.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCsp } from '../../src/console/console.routes.ts';
import { startTestPlatform, testConfig, type TestPlatform } from '../helpers/platform.ts';
import { serveApp, type ServedApp } from '../helpers/serve-app.ts';

const indexHtml = '<!doctype html><title>VSTEP console</title><script type="module" src="/console/assets/app-3f2a1c.js"></script>';
const appJs = 'document.title = "console";';

let platform: TestPlatform;
let built: ServedApp;
let unbuilt: ServedApp;
let scratch: string;

beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
  scratch = await mkdtemp(path.join(tmpdir(), 'vstep-console-'));
  const dist = path.join(scratch, 'dist');
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  await writeFile(path.join(dist, 'index.html'), indexHtml);
  await writeFile(path.join(dist, 'assets', 'app-3f2a1c.js'), appJs);
  await writeFile(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await mkdir(path.join(scratch, 'empty'));
  built = await serveApp(platform, { consoleDir: dist });
  unbuilt = await serveApp(platform, { consoleDir: path.join(scratch, 'empty') });
});
afterAll(async () => {
  await Promise.all([built?.close(), unbuilt?.close()]);
  await platform?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const get = (app: ServedApp, route: string) => fetch(`${app.baseUrl}${route}`, { redirect: 'manual' });

function expectConsoleHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe(consoleCsp);
  expect(res.headers.get('permissions-policy')).toBe('microphone=(self), camera=(), geolocation=()');
}

describe('the web console', () => {
  it('when / or /console is opened, then the browser is sent to /console/', async () => {
    const root = await get(built, '/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const bare = await get(built, '/console');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
  });

  it('when /console/ is opened, then index.html comes back with no-cache and the console CSP', async () => {
    const res = await get(built, '/console/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectConsoleHeaders(res);
    expect(await res.text()).toBe(indexHtml);
    const direct = await get(built, '/console/index.html');
    expect(direct.headers.get('cache-control')).toBe('no-cache');
    expect(await direct.text()).toBe(indexHtml);
  });

  it('when a hashed asset is fetched, then it is cached for a year as immutable', async () => {
    const res = await get(built, '/console/assets/app-3f2a1c.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectConsoleHeaders(res);
    expect(await res.text()).toBe(appJs);
    const other = await get(built, '/console/favicon.svg');
    expect(other.status).toBe(200);
    expect(other.headers.get('cache-control')).toBe('no-cache');
  });

  it.each(['/console/reviews/0b8e7c9e-4f1a-4c1e-9a43-6a1f1d2c3b4a', '/console/student/new', '/console/login'])(
    'when the client-side route %s is opened, then index.html answers it',
    async (route) => {
      const res = await get(built, route);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expectConsoleHeaders(res);
      expect(await res.text()).toBe(indexHtml);
    },
  );

  it.each(['/console/assets/missing-123.js', '/console/missing.png', '/console/assets/no-extension'])(
    'when the missing file %s is fetched, then it is the API 404 problem, not index.html',
    async (route) => {
      const res = await get(built, route);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { status: number }).status).toBe(404);
    },
  );

  it('when a path climbs out of the console directory, then no file outside it is served', async () => {
    const res = await get(built, '/console/%2e%2e/%2e%2e/package.json');
    expect(await res.text()).not.toContain('"dependencies"');
  });

  it('when the console is not built, then its pages answer 503 saying how to build it', async () => {
    for (const route of ['/console/', '/console/reviews/abc']) {
      const res = await get(unbuilt, route);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toBe('The web console is not built: run npm run build:web.');
    }
    expect((await get(unbuilt, '/console/settings.json')).status).toBe(200);
  });

  it('when an API route is called, then it keeps the API CSP', async () => {
    const res = await get(built, '/health');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('permissions-policy')).toBeNull();
  });
});

describe('console settings', () => {
  it('when settings.json is fetched without a token, then it carries the namespace, the word minimums and no UI address by default', async () => {
    const res = await get(built, '/console/settings.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectConsoleHeaders(res);
    expect(await res.json()).toEqual({ temporalUiUrl: null, temporalNamespace: platform.config.temporal.namespace, wordMinimum: { task1: 120, task2: 250 }, freePractice: true });
  });

  it('when TEMPORAL_UI_URL is set, then settings.json gives its public address without credentials or trailing slash', async () => {
    const configured = testConfig({ TEMPORAL_UI_URL: 'http://ops:secret@127.0.0.1:8233/', TEMPORAL_NAMESPACE: 'vstep' });
    const app = await serveApp(platform, { config: { temporal: configured.temporal } });
    try {
      expect(await (await get(app, '/console/settings.json')).json()).toMatchObject({ temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'vstep' });
    } finally {
      await app.close();
    }
  });
});
