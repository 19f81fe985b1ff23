// The operation declaration (src/lib/http/operation.ts) on a small app of its own: one declaration
// gives the route with its validation and guard, the 405 answers, and the response check.
import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorHandler, methodNotAllowed } from '../../src/http/middleware/error-handler.ts';
import { BadRequestError } from '../../src/lib/http/errors.ts';
import { mountOperations, operationOf, problems } from '../../src/lib/http/operation.ts';

const item = z.strictObject({ id: z.uuid(), name: z.string() });
const operation = operationOf<{ broken: boolean }>();
const guarded: string[][] = [];

const operations = [
  operation({
    method: 'get',
    path: '/items/:id',
    summary: 'An item',
    tag: 'Test',
    roles: ['admin'],
    params: z.object({ id: z.uuid('must be a UUID') }),
    responses: { 200: { description: 'The item', schema: item }, ...problems(400) },
    handler: async ({ params }, { deps, reply }) =>
      // A presenter that leaks a field, as loose objects once let happen.
      reply(200, deps.broken ? ({ id: params.id, name: 'Lan', passwordHash: 'x' } as z.input<typeof item>) : { id: params.id, name: 'Lan' }),
  }),
  operation({
    method: 'post',
    path: '/items',
    summary: 'Create one',
    tag: 'Test',
    body: z.strictObject({ name: z.string().min(1) }),
    responses: { 201: { description: 'Created', schema: item }, ...problems(422) },
    handler: async ({ body }, { reply }) => reply(201, { id: '00000000-0000-4000-8000-000000000000', name: body.name }),
  }),
  operation({
    method: 'post',
    path: '/strict',
    summary: 'A body refused as 400',
    tag: 'Test',
    body: z.strictObject({ n: z.number() }),
    invalidBody: (errors) => new BadRequestError('Not valid.', errors),
    responses: { 204: { description: 'Fine' }, ...problems(400) },
    handler: async (_input, { reply }) => reply(204),
  }),
];

async function serve(options: { broken: boolean; validate: boolean }): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(express.json());
  const router = express.Router();
  mountOperations(router, operations, { broken: options.broken }, {
    guard: (roles) => [
      (_req, _res, next) => {
        guarded.push([...roles]);
        next();
      },
    ],
    validateResponses: options.validate,
  });
  app.use(router);
  app.use(methodNotAllowed(operations));
  app.use(errorHandler(pino({ level: 'silent' })));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

const servers: Server[] = [];
let checked: string;
let unchecked: string;
beforeAll(async () => {
  const a = await serve({ broken: true, validate: true });
  const b = await serve({ broken: true, validate: false });
  servers.push(a.server, b.server);
  [checked, unchecked] = [a.url, b.url];
});
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

const id = '0b6f7e1c-3a8e-4d0a-9f5e-1c2d3e4f5a6b';

describe('an operation declared once', () => {
  it('when a handler answers with a field its schema does not declare, then responses that are checked fail loudly (500), others go out', async () => {
    expect((await fetch(`${checked}/items/${id}`)).status).toBe(500);
    const loose = await fetch(`${unchecked}/items/${id}`);
    expect(loose.status).toBe(200);
    expect(await loose.json()).toMatchObject({ passwordHash: 'x' });
  });

  it('when an operation has roles, then its guard runs with them; parameters and bodies are validated before the handler', async () => {
    guarded.length = 0;
    const bad = await fetch(`${checked}/items/not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: unknown }).errors).toEqual([{ field: 'params.id', message: 'must be a UUID' }]);
    expect(guarded).toEqual([['admin']]);
    const post = (path: string, body: unknown) => fetch(`${checked}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await post('/items', { name: 'Lan' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: '00000000-0000-4000-8000-000000000000', name: 'Lan' });
    expect((await post('/items', { name: '' })).status).toBe(422);
    expect((await post('/strict', { n: 'one' })).status).toBe(400);
    expect((await post('/strict', { n: 1 })).status).toBe(204);
  });

  it('when a declared path is asked with another method, then the answer is 405 with the methods it does take', async () => {
    const res = await fetch(`${checked}/items/${id}`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await fetch(`${checked}/items`, { method: 'DELETE' })).headers.get('allow')).toBe('POST, OPTIONS');
  });
});
