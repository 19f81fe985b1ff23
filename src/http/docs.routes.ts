// /openapi.json and /docs (Swagger UI, served from the swagger-ui-dist package: no CDN).
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { operationOf } from '../lib/http/operation.ts';
import type { openApiDocument } from './openapi.ts';

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>VSTEP Grading Platform API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

// A separate file, not inline: the Content-Security-Policy allows scripts from this origin only.
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });`;

const operation = operationOf<{ document: ReturnType<typeof openApiDocument> }>();
const tag = 'Operations';

export const docsRoutes = [
  operation({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag,
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.literal('3.1.0') }) } },
    handler: async (_input, { deps, reply }) => reply(200, deps.document),
  }),
  operation({
    method: 'get',
    path: '/docs',
    summary: 'Interactive API documentation',
    tag,
    responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    handler: async (_input, { res }) => {
      res.type('html').send(page);
    },
  }),
];

/** The files the documentation page loads: not operations of the API. */
export function docsAssets(): Router {
  const router = Router();
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(init);
  });
  router.use('/docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));
  return router;
}
