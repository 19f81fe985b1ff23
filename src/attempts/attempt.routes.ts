import { Router } from 'express';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { authenticate, principalOf, requireRole } from '../auth/auth.middleware.ts';
import { NotFoundError } from '../lib/http/errors.ts';
import { validated } from '../lib/http/validate.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { progressOf } from '../progress/progress.service.ts';
import { attemptIdParams, createAttemptSchema, progressQuery, studentQuery } from './attempt.schemas.ts';
import { studentFor, type AttemptService } from './attempt.service.ts';


export function attemptRoutes(service: AttemptService, prisma: PrismaClient, accessTokens: AccessTokens): Router {
  const router = Router();
  router.use(['/attempts', '/progress'], authenticate(accessTokens));

  router.post(
    '/attempts',
    requireRole('student'),
    validated({ body: createAttemptSchema }, async ({ body }, _req, res) => {
      const attempt = await service.create(principalOf(res.locals), body.title);
      res.status(201).location(attempt.links.self).json(attempt);
    }),
  );

  router.get(
    '/attempts',
    validated({ query: studentQuery }, async ({ query }, _req, res) => {
      res.json({ items: await service.list(principalOf(res.locals), query) });
    }),
  );

  router.get(
    '/attempts/:id',
    validated({ params: attemptIdParams }, async ({ params }, _req, res) => {
      const attempt = await service.get(params.id, principalOf(res.locals));
      if (!attempt) throw new NotFoundError('No attempt with this id.');
      res.json(attempt);
    }),
  );

  router.get(
    '/progress',
    validated({ query: progressQuery }, async ({ query }, _req, res) => {
      res.json(await progressOf(prisma, studentFor(principalOf(res.locals), query.studentId)));
    }),
  );

  return router;
}
