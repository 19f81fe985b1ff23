// The browser console (web/, built by Vite to web/dist) served under /console/. Hashed files in
// assets/ are cached for good; index.html is revalidated on every load so a new build is picked
// up at once. Paths without a file extension are the console's own client-side routes and get
// index.html. These pages get a CSP of their own: the API's `default-src 'none'` would block them.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import type { Config } from '../config/env.ts';
import { ServiceUnavailableError } from '../lib/http/errors.ts';
import { operationOf } from '../lib/http/operation.ts';
import { consoleSettings, consoleSettingsSchema } from './console.settings.ts';

/** web/dist of this checkout, found from this file (src/console/) as docs.routes.ts finds Swagger UI. */
export const defaultConsoleDir = path.resolve(import.meta.dirname, '../../web/dist');

export const consoleCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  // The student page plays back its own recording (a blob: URL) before sending it.
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// The student page records speech from this origin only; nothing else may use devices.
export const consolePermissions = 'microphone=(self), camera=(), geolocation=()';

const consoleHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', consoleCsp);
  res.setHeader('Permissions-Policy', consolePermissions);
  next();
};

/** The console's settings: the one part of it that is an API operation. */
export const consoleRoutes = [
  operationOf<{ config: Config }>()({
    method: 'get',
    path: '/console/settings.json',
    summary: 'Settings the web console reads at start',
    tag: 'Console',
    responses: { 200: { description: 'Settings', schema: consoleSettingsSchema } },
    handler: async (_input, { res, deps, reply }) => {
      res.setHeader('Cache-Control', 'no-cache');
      return reply(200, consoleSettings(deps.config));
    },
  }),
];

/** The console's pages and files, under its own security headers (the settings above get them too). */
export function consolePages(consoleDir: string = defaultConsoleDir): Router {
  const router = Router();
  const indexFile = path.join(consoleDir, 'index.html');

  router.get('/', (_req, res) => {
    res.redirect(302, '/console/');
  });
  // Non-strict routing matches "/console/" here too; only the bare path is redirected.
  router.get('/console', (req, res, next) => {
    if (req.path.endsWith('/')) return next();
    res.redirect(301, '/console/');
  });

  router.use('/console', consoleHeaders);
  router.use(
    '/console',
    express.static(consoleDir, {
      index: false,
      redirect: false,
      setHeaders: (res, file) => {
        const immutable = path.relative(consoleDir, file).split(path.sep)[0] === 'assets';
        res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  // What is left is a client-side route (no extension) or a missing file (404 further on).
  router.get('/console/{*route}', async (req, res, next) => {
    const route = req.path.slice('/console/'.length);
    if (path.posix.extname(route) !== '' || route.split('/')[0] === 'assets') return next();
    // Checked on each request: the console may be built while the API runs.
    if (!(await stat(indexFile).catch(() => null))?.isFile()) throw new ServiceUnavailableError('The web console is not built: run npm run build:web.');
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });

  return router;
}
