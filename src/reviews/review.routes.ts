// The grader's review queue: list, claim (a lease), release, and complete with the final
// criterion scores, which go to the waiting workflow.
import { principalOf } from '../auth/auth.middleware.ts';
import type { Config } from '../config/env.ts';
import { markers, staffRoles } from '../domain/roles.ts';
import { BadRequestError, NotFoundError } from '../lib/http/errors.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import { presentSubmission, selfLink, viewerOf } from '../submissions/submission.presenter.ts';
import { submissionSchema } from '../submissions/submission.schemas.ts';
import { presentQueueItem, presentReview } from './review.presenter.ts';
import { documentedReviewDecision, reviewDecisionSchema, reviewIdParams, reviewListQuery, reviewQueueSchema, reviewSchema } from './review.schemas.ts';
import type { ReviewService } from './review.service.ts';

const operation = operationOf<{ service: ReviewService; config: Config }>();
const tag = 'Reviews';

export const reviewRoutes = [
  operation({
    method: 'get',
    path: '/reviews',
    summary: 'The review queue, high priority first',
    description: 'Counts per priority follow the status and skill filters (not the priority filter).',
    tag,
    roles: [...staffRoles],
    query: reviewListQuery,
    responses: { 200: { description: 'Reviews and counts per priority', schema: reviewQueueSchema }, ...problems(400, 401, 403) },
    handler: async ({ query }, { deps, reply }) => {
      const { items, counts } = await deps.service.list(query);
      return reply(200, { items: items.map(presentQueueItem), counts });
    },
  }),
  operation({
    method: 'post',
    path: '/reviews/:id/claim',
    summary: 'Claim a review (lease)',
    tag,
    roles: [...markers],
    params: reviewIdParams,
    responses: { 200: { description: 'Claimed', schema: reviewSchema }, ...problems(400, 401, 403, 404, 409) },
    handler: async ({ params }, { res, deps, reply }) => reply(200, presentReview(await deps.service.claim(params.id, principalOf(res.locals)))),
  }),
  operation({
    method: 'post',
    path: '/reviews/:id/release',
    summary: 'Give a claimed review back',
    tag,
    roles: [...markers],
    params: reviewIdParams,
    responses: { 200: { description: 'Released', schema: reviewSchema }, ...problems(400, 401, 403, 404, 409) },
    handler: async ({ params }, { res, deps, reply }) => reply(200, presentReview(await deps.service.release(params.id, principalOf(res.locals)))),
  }),
  operation({
    method: 'post',
    path: '/reviews/:id/complete',
    summary: 'Submit the final criterion scores (delivered to the workflow)',
    tag,
    roles: [...markers],
    params: reviewIdParams,
    body: reviewDecisionSchema,
    documentedBody: documentedReviewDecision,
    // Invalid scores are a 400, whether their shape or their values are refused.
    invalidBody: (errors) => new BadRequestError('The review decision is not valid.', errors),
    responses: { 200: { description: 'The completed submission', schema: submissionSchema }, ...problems(400, 401, 403, 404, 409, 413, 415) },
    handler: async ({ params, body }, { res, deps, reply }) => {
      const submission = await deps.service.complete(params.id, principalOf(res.locals), body);
      if (!submission) throw new NotFoundError('The submission was deleted.');
      return reply(200, presentSubmission(submission, selfLink(submission.id), viewerOf(principalOf(res.locals), deps.config.moderation)));
    },
  }),
];
