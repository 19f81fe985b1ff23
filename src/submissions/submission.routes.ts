import { Router } from 'express';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { authenticate, principalOf, requireRole } from '../auth/auth.middleware.ts';
import type { Config } from '../config/env.ts';
import { NotFoundError, UnsupportedMediaTypeError } from '../http/errors.ts';
import { rateLimit, type RateLimiter } from '../http/middleware/rate-limit.ts';
import { validated } from '../http/middleware/validate.ts';
import { presentSubmission } from './submission.presenter.ts';
import { createWritingSubmissionSchema, listQuery, submissionIdParams } from './submission.schemas.ts';
import type { SubmissionService } from './submission.service.ts';

const selfLink = (id: string) => ({ self: `/submissions/${id}` });

export function submissionRoutes(
  config: Config,
  service: SubmissionService,
  accessTokens: AccessTokens,
  limiter: RateLimiter,
): Router {
  const router = Router();
  router.use('/submissions', authenticate(accessTokens));

  router.post(
    '/submissions',
    requireRole('student'),
    rateLimit(limiter, 'submissions', config.rateLimits.windowSeconds, (req, res) => [
      { scope: 'account', id: res.locals.principal?.id, limit: config.rateLimits.submissionsPerAccount },
      { scope: 'ip', id: req.ip, limit: config.rateLimits.submissionsPerIp },
    ]),
    (req, _res, next) => {
      if (!req.is('application/json')) {
        throw new UnsupportedMediaTypeError('Writing submissions are sent as application/json.');
      }
      next();
    },
    validated({ body: createWritingSubmissionSchema }, async ({ body }, _req, res) => {
      const submission = await service.createWriting(principalOf(res.locals).id, body, res.locals.requestId);
      const links = selfLink(submission.id);
      res.status(202).location(links.self).json(presentSubmission(submission, links));
    }),
  );

  router.get(
    '/submissions',
    validated({ query: listQuery }, async ({ query }, _req, res) => {
      const page = await service.list(principalOf(res.locals), query);
      const staff = principalOf(res.locals).role !== 'student';
      res.json({ items: page.items.map((s) => presentSubmission(s, selfLink(s.id), { staff })), nextCursor: page.nextCursor });
    }),
  );

  router.get(
    '/submissions/:id',
    validated({ params: submissionIdParams }, async ({ params }, _req, res) => {
      const submission = await service.getVisible(params.id, principalOf(res.locals));
      if (!submission) throw new NotFoundError('No submission with this id.');
      const viewer = principalOf(res.locals);
      res.json(presentSubmission(submission, selfLink(submission.id), { staff: viewer.role !== 'student' }));
    }),
  );

  router.delete(
    '/submissions/:id',
    requireRole('student', 'admin'),
    validated({ params: submissionIdParams }, async ({ params }, _req, res) => {
      if (!(await service.delete(params.id, principalOf(res.locals)))) throw new NotFoundError('No submission with this id.');
      res.status(204).end();
    }),
  );

  router.post(
    '/admin/submissions/:id/retry',
    authenticate(accessTokens),
    requireRole('admin'),
    validated({ params: submissionIdParams }, async ({ params }, _req, res) => {
      const submission = await service.retry(params.id, principalOf(res.locals));
      if (!submission) throw new NotFoundError('No submission with this id.');
      const links = selfLink(submission.id);
      res.status(202).location(links.self).json(presentSubmission(submission, links, { staff: true }));
    }),
  );

  return router;
}
