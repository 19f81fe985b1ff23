// Sittings: admins offer a test form in a window; students see the ones open to them (and start
// an attempt with POST /attempts { sittingId }).
import { principalOf } from '../auth/auth.middleware.ts';
import { roles } from '../domain/roles.ts';
import { NotFoundError } from '../lib/http/errors.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import { createSittingSchema, sittingIdParams, sittingListQuery, sittingListSchema, sittingSchema } from './sitting.schemas.ts';
import type { SittingService } from './sitting.service.ts';

const operation = operationOf<{ service: SittingService }>();
const tag = 'Sittings';

export const sittingRoutes = [
  operation({
    method: 'post',
    path: '/admin/sittings',
    summary: 'Offer a test form (published tasks, in order) in a window',
    tag,
    roles: ['admin'],
    body: createSittingSchema,
    responses: { 201: { description: 'Created', schema: sittingSchema }, ...problems(400, 401, 403, 413, 415, 422) },
    handler: async ({ body }, { res, deps, reply }) => {
      const sitting = await deps.service.create(principalOf(res.locals), body);
      res.location(sitting.links.self);
      return reply(201, sitting);
    },
  }),
  operation({
    method: 'get',
    path: '/sittings',
    summary: 'Sittings, latest opening first (students: those open to them, with their attempts)',
    tag,
    roles,
    query: sittingListQuery,
    responses: { 200: { description: 'Sittings', schema: sittingListSchema }, ...problems(400, 401) },
    handler: async ({ query }, { res, deps, reply }) => reply(200, { items: await deps.service.list(principalOf(res.locals), query) }),
  }),
  operation({
    method: 'get',
    path: '/sittings/:id',
    summary: 'One sitting',
    tag,
    roles,
    params: sittingIdParams,
    responses: { 200: { description: 'The sitting', schema: sittingSchema }, ...problems(400, 401, 404) },
    handler: async ({ params }, { res, deps, reply }) => {
      const sitting = await deps.service.get(params.id, principalOf(res.locals));
      if (!sitting) throw new NotFoundError('No sitting with this id.');
      return reply(200, sitting);
    },
  }),
];
