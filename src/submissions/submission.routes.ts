import { pipeline } from 'node:stream/promises';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { authenticate, principalOf, requireRole } from '../auth/auth.middleware.ts';
import type { Config } from '../config/env.ts';
import { BadRequestError, NotFoundError, UnsupportedMediaTypeError } from '../lib/http/errors.ts';
import { rateLimit, type RateLimiter } from '../lib/http/rate-limit.ts';
import { validated } from '../lib/http/validate.ts';
import { AudioNotFoundError, type AudioStore } from '../storage/audio-store.ts';
import { mimeTypes, type AudioFormat } from '../speech/audio-format.ts';
import { receiveAudio, type ReceivedAudio } from './audio-upload.ts';
import { presentSubmission, presentSubmissionDetail } from './submission.presenter.ts';
import type { LiveHandlers } from '../live/submission-stream.ts';
import { createWritingSubmissionSchema, listQuery, submissionIdParams, waitQuery } from './submission.schemas.ts';
import type { Created, SubmissionService } from './submission.service.ts';

const selfLink = (id: string) => ({ self: `/submissions/${id}` });

/** The Idempotency-Key header: 1-255 visible ASCII characters (e.g. a UUID), or absent. */
function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new BadRequestError('Idempotency-Key must be 1-255 visible ASCII characters, e.g. a UUID.', [
      { field: 'header.idempotency-key', message: 'is not a valid key' },
    ]);
  }
  return key;
}

export function submissionRoutes(
  config: Config,
  service: SubmissionService,
  accessTokens: AccessTokens,
  limiter: RateLimiter,
  audioStore: AudioStore,
  live: LiveHandlers,
): Router {
  const router = Router();
  router.use('/submissions', authenticate(accessTokens));

  const created = (res: Response, { submission, replayed }: Created) => {
    const links = selfLink(submission.id);
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.status(202).location(links.self).json(presentSubmission(submission, links));
  };
  const createWriting = validated({ body: createWritingSubmissionSchema }, async ({ body }, req, res) => {
    created(res, await service.createWriting(principalOf(res.locals).id, body, res.locals.requestId, idempotencyKeyOf(req)));
  });
  const speakingUpload = receiveAudio(config, audioStore);
  const createSpeaking: RequestHandler = async (req, res) => {
    created(res, await service.createSpeaking(principalOf(res.locals).id, res.locals.audio as ReceivedAudio, res.locals.requestId, idempotencyKeyOf(req)));
  };

  router.post(
    '/submissions',
    requireRole('student'),
    rateLimit(limiter, 'submissions', config.rateLimits.windowSeconds, (req, res) => [
      { scope: 'account', id: res.locals.principal?.id, limit: config.rateLimits.submissionsPerAccount },
      { scope: 'ip', id: req.ip, limit: config.rateLimits.submissionsPerIp },
    ]),
    // Writing tasks arrive as JSON, speaking answers as multipart/form-data with the audio.
    (req, res, next) => {
      if (req.is('application/json')) return createWriting(req, res, next);
      if (req.is('multipart/form-data')) {
        return speakingUpload(req, res, (error?: unknown) => {
          if (error) return next(error);
          Promise.resolve(createSpeaking(req, res, next)).catch(next);
        });
      }
      throw new UnsupportedMediaTypeError(
        'Writing tasks are sent as application/json; speaking answers as multipart/form-data with the recording in the "audio" part.',
      );
    },
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
      res.json(presentSubmissionDetail(submission, selfLink(submission.id), { staff: viewer.role !== 'student' }));
    }),
  );

  // Live status: Server-Sent Events, and a long-poll for clients without them.
  router.get(
    '/submissions/:id/events',
    validated({ params: submissionIdParams }, async ({ params }, req, res) => {
      await live.stream(req, res, params.id, principalOf(res.locals));
    }),
  );

  router.get(
    '/submissions/:id/wait',
    validated({ params: submissionIdParams, query: waitQuery }, async ({ params, query }, _req, res) => {
      const viewer = principalOf(res.locals);
      const submission = await live.wait(res, params.id, viewer, query);
      if (!submission) return; // the client went away
      res.json(presentSubmission(submission, selfLink(submission.id), { staff: viewer.role !== 'student' }));
    }),
  );

  // The recording of a speaking answer, for its student and for graders and admins.
  router.get(
    '/submissions/:id/audio',
    validated({ params: submissionIdParams }, async ({ params }, _req, res) => {
      const submission = await service.getVisible(params.id, principalOf(res.locals));
      if (!submission?.audioKey) throw new NotFoundError('No recording for this id.');
      const audio = await audioStore.openStream(submission.audioKey).catch((error: unknown) => {
        if (error instanceof AudioNotFoundError) throw new NotFoundError('The recording is no longer stored.');
        throw error;
      });
      res.status(200).set({
        'Content-Type': mimeTypes[submission.audioFormat as AudioFormat] ?? 'application/octet-stream',
        'Content-Length': String(audio.bytes),
        'Cache-Control': 'private, no-store',
      });
      // pipeline closes the file when the client goes away mid-download.
      await pipeline(audio.stream, res).catch(() => undefined);
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
