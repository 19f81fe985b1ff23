// The OpenAPI document matches the routes the app really serves, is valid OpenAPI 3.1 in shape,
// and the interactive docs page loads its assets from this server.
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { startTestPlatform, testLogger, type TestPlatform } from '../helpers/platform.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.stop();
});

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every "METHOD /path" the Express app routes, OpenAPI-style ({id}). */
function servedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of ([] as string[]).concat(layer.route.path)) {
          for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${p.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...new Set(found)].sort();
}

describe('OpenAPI', () => {
  it('when the document is compared with the app, then every served route is documented and nothing else', async () => {
    const app = createApp({ ...platform, logger: testLogger });
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    // The web console's pages and files are a web app served beside the API, not operations of
    // it (its settings.json is documented); listed here so a new route cannot slip by unnoticed.
    const consolePages = ['GET /', 'GET /console', 'GET /console/{*route}'];
    expect(servedRoutes(app)).toEqual(expect.arrayContaining(consolePages));
    const served = servedRoutes(app).filter((r) => !r.startsWith('GET /docs/') && !consolePages.includes(r));
    expect(served.length).toBeGreaterThan(25);
    expect(documented).toEqual(served);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('when a route validates input with zod, then the document carries that schema', async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as any;
    const post = doc.paths['/submissions'].post;
    // Two shapes each: an answer to a bank task, and free practice; neither has a mode.
    const [writingTask, writingPractice] = post.requestBody.content['application/json'].schema.anyOf;
    expect(writingTask.required).toEqual(['taskId', 'text']);
    expect(writingPractice.properties.task.enum).toEqual(['task1', 'task2']);
    for (const writing of [writingTask, writingPractice]) {
      expect(writing.properties.text.maxLength).toBe(20_000);
      expect(writing.additionalProperties).toBe(false);
      expect(writing.properties.mode).toBeUndefined();
    }
    const speaking = post.requestBody.content['multipart/form-data'].schema;
    expect(speaking.properties.task.enum).toEqual(['part1', 'part2', 'part3']);
    expect(speaking.properties.taskId.format).toBe('uuid');
    expect(speaking.properties.mode).toBeUndefined();
    expect(speaking.required).toEqual(['audio']);
    expect(speaking.description).toMatch(/Either `taskId`.*or.*`skill`, `task` and `prompt`; never both/);
    const list = doc.paths['/submissions'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['status', 'skill', 'task', 'from', 'to', 'cursor', 'limit']));
    expect(doc.paths['/submissions/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true, schema: { format: 'uuid' } });
    expect(doc.paths['/submissions/{id}'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/auth/login'].post.responses['422'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(doc.components.schemas.Problem.properties.errors).toBeDefined();
    expect(doc.components.schemas.Submission.properties.status.enum).toContain('review_pending');
    // Every reference resolves.
    for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []) {
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
  });

  it('when the API answers, then the document declares every field it returns, in closed schemas', async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as any;
    const { Result, Submission, SubmissionDetail, Review, ReviewQueueItem } = doc.components.schemas;
    expect(Object.keys(Result.properties)).toEqual(expect.arrayContaining(['confidence', 'gradedAt', 'scorerVersion', 'routing']));
    expect(Object.keys(Submission.properties)).toEqual(expect.arrayContaining(['wordCount', 'failureReason', 'aiDraft', 'links']));
    expect(Object.keys(SubmissionDetail.properties)).toEqual(expect.arrayContaining(['prompt', 'text']));
    expect(Object.keys(Review.properties)).toContain('completedAt');
    expect(ReviewQueueItem.required).toEqual(expect.arrayContaining(['completedAt', 'skill']));
    // Closed objects: a field the document does not name fails the response check and schemathesis.
    const open: string[] = [];
    const walk = (node: any, where: string) => {
      if (!node || typeof node !== 'object') return;
      if (node.type === 'object' && node.properties && node.additionalProperties !== false) open.push(where);
      for (const [key, value] of Object.entries(node)) walk(value, `${where}.${key}`);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) walk(schema, name);
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) if (path !== '/openapi.json') walk(op.responses, `${method} ${path}`);
    }
    expect(open).toEqual([]);
    const events = doc.paths['/submissions/{id}/events'].get.responses['200'].content['text/event-stream'].schema;
    expect(events.required).toEqual(['event', 'data']);
    expect(events.properties.data).toMatchObject({ type: 'string', contentMediaType: 'application/json' });
    expect(events.properties.data.contentSchema.anyOf).toEqual([{ $ref: '#/components/schemas/SubmissionEvent' }, { $ref: '#/components/schemas/SubmissionDeleted' }]);
  });

  it("when the web console's calls are looked up, then the document states their headers, cookie and fields", async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as any;
    const refresh = doc.paths['/auth/session/refresh'].post;
    expect(refresh.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'X-Requested-With', in: 'header', required: true, schema: { type: 'string', enum: ['vstep-console'] } }),
        expect.objectContaining({ name: 'vstep_refresh', in: 'cookie', required: false }),
      ]),
    );
    expect(refresh.responses['200'].headers['Set-Cookie']).toBeDefined();
    expect(doc.components.schemas.Session.required).toEqual(expect.arrayContaining(['accessToken', 'user']));
    expect(doc.components.schemas.Session.properties.refreshToken).toBeUndefined();
    expect(doc.paths['/submissions/{id}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SubmissionDetail' });
    expect(doc.components.schemas.SubmissionDetail.required).toContain('prompt');
    expect(doc.paths['/reviews'].get.parameters.map((p: { name: string }) => p.name)).toContain('skill');
    expect(doc.components.schemas.ReviewQueueItem.required).toEqual(expect.arrayContaining(['skill', 'task', 'mode', 'wordCount']));
    expect(doc.paths['/console/settings.json'].get.security).toEqual([]);
  });

  it('when a browser opens /docs, then the page and Swagger UI come from this server under its CSP', async () => {
    const page = await fetch(`${platform.baseUrl}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/<script>[^<]/); // no inline script: the CSP would block it
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/init.js']) {
      const res = await fetch(`${platform.baseUrl}${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(50);
    }
  });
});
