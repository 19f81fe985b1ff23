// A student's progress per skill: their own, or any student's for staff.
import { studentFor } from '../attempts/attempt.service.ts';
import { principalOf } from '../auth/auth.middleware.ts';
import { roles } from '../domain/roles.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { progressQuery, progressSchema } from './progress.schemas.ts';
import { progressOf } from './progress.service.ts';

const operation = operationOf<{ prisma: PrismaClient }>();

export const progressRoutes = [
  operation({
    method: 'get',
    path: '/progress',
    summary: "A student's progress per skill",
    tag: 'Attempts and progress',
    roles,
    query: progressQuery,
    responses: { 200: { description: 'Progress', schema: progressSchema }, ...problems(400, 401, 403, 404) },
    handler: async ({ query }, { res, deps, reply }) => reply(200, await progressOf(deps.prisma, studentFor(principalOf(res.locals), query.studentId))),
  }),
];
