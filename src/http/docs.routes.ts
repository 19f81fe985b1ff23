// /openapi.json and /docs (Swagger UI, served from the swagger-ui-dist package: no CDN).
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import type { Config } from '../config/env.ts';
import { openApiDocument } from './openapi.ts';

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

export function docsRoutes(config: Config): Router {
  const router = Router();
  const document = openApiDocument({ version: config.build.version, serverUrl: config.http.publicBaseUrl });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(init);
  });
  router.use('/docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));
  return router;
}
