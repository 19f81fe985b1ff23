// Exam attempts: a student groups answers into one sitting and reads each skill's score once all
// of its tasks are graded; staff read any student's.
import { principalOf } from '../auth/auth.middleware.ts';
import { roles } from '../domain/roles.ts';
import { NotFoundError } from '../lib/http/errors.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import { attemptIdParams, attemptListSchema, attemptSchema, createAttemptSchema, studentQuery } from './attempt.schemas.ts';
import type { AttemptService } from './attempt.service.ts';

const operation = operationOf<{ service: AttemptService }>();
const tag = 'Attempts and progress';

export const attemptRoutes = [
  operation({
    method: 'post',
    path: '/attempts',
    summary: 'Start an attempt: at a sitting ({ sittingId }), or a practice attempt of your own ({ title })',
    tag,
    roles: ['student'],
    body: createAttemptSchema,
    bodyOptional: true,
    responses: { 201: { description: 'Created', schema: attemptSchema }, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    handler: async ({ body }, { res, deps, reply }) => {
      const attempt = await deps.service.create(principalOf(res.locals), body ?? {});
      res.location(attempt.links.self);
      return reply(201, attempt);
    },
  }),
  operation({
    method: 'get',
    path: '/attempts',
    summary: "A student's attempts",
    tag,
    roles,
    query: studentQuery,
    responses: { 200: { description: 'Attempts', schema: attemptListSchema }, ...problems(400, 401, 403) },
    handler: async ({ query }, { res, deps, reply }) => reply(200, { items: await deps.service.list(principalOf(res.locals), query) }),
  }),
  operation({
    method: 'get',
    path: '/attempts/:id',
    summary: 'An attempt with per-task and per-skill scores',
    tag,
    roles,
    params: attemptIdParams,
    responses: { 200: { description: 'The attempt', schema: attemptSchema }, ...problems(400, 401, 404) },
    handler: async ({ params }, { res, deps, reply }) => {
      const attempt = await deps.service.get(params.id, principalOf(res.locals));
      if (!attempt) throw new NotFoundError('No attempt with this id.');
      return reply(200, attempt);
    },
  }),
];
