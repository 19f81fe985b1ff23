// A submission's status, live: Server-Sent Events of its stored events, and a long-poll for
// clients without them.
import type { Config } from '../config/env.ts';
import { principalOf } from '../auth/auth.middleware.ts';
import { roles } from '../domain/roles.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import { presentSubmission, selfLink, viewerOf } from '../submissions/submission.presenter.ts';
import { submissionIdParams, submissionSchema, waitQuery } from '../submissions/submission.schemas.ts';
import { liveEventSchema } from './live.schemas.ts';
import type { LiveHandlers } from './submission-stream.ts';

const operation = operationOf<{ live: LiveHandlers; config: Config }>();
const tag = 'Submissions';

export const liveRoutes = [
  operation({
    method: 'get',
    path: '/submissions/:id/events',
    summary: 'Live feed (Server-Sent Events); Last-Event-ID resumes',
    tag,
    roles,
    params: submissionIdParams,
    responses: {
      200: { description: 'text/event-stream of the stored events', contentType: 'text/event-stream', events: liveEventSchema },
      204: { description: 'Settled; nothing newer than Last-Event-ID' },
      ...problems(400, 401, 404, 503),
    },
    handler: async ({ params }, { req, res, deps }) => {
      await deps.live.stream(req, res, params.id, principalOf(res.locals));
    },
  }),
  operation({
    method: 'get',
    path: '/submissions/:id/wait',
    summary: 'Long-poll until the status changes',
    tag,
    roles,
    params: submissionIdParams,
    query: waitQuery,
    responses: { 200: { description: 'The submission', schema: submissionSchema }, ...problems(400, 401, 404, 503) },
    handler: async ({ params, query }, { res, deps, reply }) => {
      const viewer = principalOf(res.locals);
      const submission = await deps.live.wait(res, params.id, viewer, query);
      if (!submission) return; // the client went away
      return reply(200, presentSubmission(submission, selfLink(submission.id), viewerOf(viewer, deps.config.moderation)));
    },
  }),
];
