import { Router } from 'express';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { authenticate, principalOf, requireRole } from '../auth/auth.middleware.ts';
import { BadRequestError, NotFoundError } from '../lib/http/errors.ts';
import { jsonBody } from '../lib/http/json-body.ts';
import { validated } from '../lib/http/validate.ts';
import { findSubmission } from '../submissions/submission.repository.ts';
import { presentSubmission } from '../submissions/submission.presenter.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { presentQueueItem, presentReview } from './review.presenter.ts';
import { completeReviewSchema, reviewIdParams, reviewListQuery } from './review.schemas.ts';
import type { ReviewService } from './review.service.ts';

export function reviewRoutes(service: ReviewService, prisma: PrismaClient, accessTokens: AccessTokens): Router {
  const router = Router();
  router.use('/reviews', authenticate(accessTokens));

  router.get(
    '/reviews',
    requireRole('grader', 'admin'),
    validated({ query: reviewListQuery }, async ({ query }, _req, res) => {
      const { items, counts } = await service.list(query);
      res.json({ items: items.map(presentQueueItem), counts });
    }),
  );

  router.post(
    '/reviews/:id/claim',
    requireRole('grader'),
    validated({ params: reviewIdParams }, async ({ params }, _req, res) => {
      res.json(presentReview(await service.claim(params.id, principalOf(res.locals))));
    }),
  );

  router.post(
    '/reviews/:id/release',
    requireRole('grader'),
    validated({ params: reviewIdParams }, async ({ params }, _req, res) => {
      res.json(presentReview(await service.release(params.id, principalOf(res.locals))));
    }),
  );

  router.post(
    '/reviews/:id/complete',
    requireRole('grader'),
    validated({ params: reviewIdParams }, async ({ params }, req, res) => {
      // Invalid scores are a 400 (SPEC §8), whether the shape or the workflow's validator refuses them.
      const body = completeReviewSchema.safeParse(jsonBody(req));
      if (!body.success) {
        throw new BadRequestError(
          'The review decision is not valid.',
          body.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
        );
      }
      const submissionId = await service.complete(params.id, principalOf(res.locals), body.data);
      const submission = await findSubmission(prisma, submissionId);
      if (!submission) throw new NotFoundError('The submission was deleted.');
      res.json(presentSubmission(submission, { self: `/submissions/${submissionId}` }, { staff: true }));
    }),
  );

  return router;
}
