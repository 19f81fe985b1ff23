// Overriding a completed result, and appealing one.
import { principalOf } from '../auth/auth.middleware.ts';
import type { Config } from '../config/env.ts';
import { BadRequestError } from '../lib/http/errors.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import { presentAppeal, presentSubmission, selfLink, viewerOf } from '../submissions/submission.presenter.ts';
import { appealSchema, submissionIdParams, submissionSchema } from '../submissions/submission.schemas.ts';
import { appealBodySchema, documentedOverride, overrideSchema } from './moderation.schemas.ts';
import type { ModerationService } from './moderation.service.ts';

const operation = operationOf<{ config: Config; moderation: ModerationService }>();
const tag = 'Moderation';

export const moderationRoutes = [
  operation({
    method: 'post',
    path: '/submissions/:id/override',
    summary: 'Override a completed result (a new version; the previous one is kept)',
    description: 'The new version is what the student sees; an event goes to the live feed and the change to the audit trail. Refused (409) while an appeal of the result is open.',
    tag,
    roles: ['senior', 'admin'],
    params: submissionIdParams,
    body: overrideSchema,
    documentedBody: documentedOverride,
    invalidBody: (errors) => new BadRequestError('The override is not valid.', errors),
    responses: { 200: { description: 'The submission with its new result', schema: submissionSchema }, ...problems(400, 401, 403, 404, 409, 413, 415) },
    handler: async ({ params, body }, { res, deps, reply }) => {
      const actor = principalOf(res.locals);
      const submission = await deps.moderation.override(params.id, actor, body);
      return reply(200, presentSubmission(submission, selfLink(submission.id), viewerOf(actor, deps.config.moderation)));
    },
  }),
  operation({
    method: 'post',
    path: '/submissions/:id/appeals',
    summary: 'Appeal a completed result (once, within the appeal window)',
    description: 'A senior who has not marked the submission decides: upheld, or changed (a new version of the result). A second appeal is 409; one after the window (APPEAL_WINDOW_DAYS from the result) is 422.',
    tag,
    roles: ['student'],
    params: submissionIdParams,
    body: appealBodySchema,
    responses: { 201: { description: 'The appeal, open', schema: appealSchema }, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    handler: async ({ params, body }, { res, deps, reply }) => {
      const appeal = await deps.moderation.appeal(params.id, principalOf(res.locals), body.reason);
      res.location(`/submissions/${appeal.submissionId}`);
      return reply(201, presentAppeal(appeal));
    },
  }),
];
