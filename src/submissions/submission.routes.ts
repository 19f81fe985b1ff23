// Submissions: a student submits a writing task (JSON) or a spoken answer (multipart with the
// recording); everyone reads what they may see; the owner or an admin deletes; an admin re-drives
// a failed grading. The live feed of a submission is src/live/live.routes.ts.
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/auth.middleware.ts';
import type { Config } from '../config/env.ts';
import { roles } from '../domain/roles.ts';
import { BadRequestError, NotFoundError, UnsupportedMediaTypeError, ValidationError } from '../lib/http/errors.ts';
import { operationOf, problems, type Replier } from '../lib/http/operation.ts';
import { rateLimit, type RateLimiter } from '../lib/http/rate-limit.ts';
import { mimeTypes, type AudioFormat } from '../speech/audio-format.ts';
import { AudioNotFoundError, type AudioStore } from '../storage/audio-store.ts';
import { receiveAudio, type ReceivedAudio } from './audio-upload.ts';
import { presentSubmission, presentSubmissionDetail, selfLink, viewerOf } from './submission.presenter.ts';
import { jsonBody } from '../lib/http/json-body.ts';
import {
  createWritingSubmissionSchema,
  listQuery,
  parseAnswer,
  speakingPracticeSchema,
  speakingTaskAnswerSchema,
  submissionDetailSchema,
  submissionIdParams,
  submissionPageSchema,
  submissionSchema,
} from './submission.schemas.ts';
import type { Created } from './submission.intake.ts';
import type { SubmissionService } from './submission.service.ts';

export interface SubmissionRouteDeps {
  config: Config;
  service: SubmissionService;
  audioStore: AudioStore;
  limiter: RateLimiter;
}


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

/** Speaking answers arrive as multipart/form-data: the recording is received before the handler runs. */
const multipartOnly =
  (upload: RequestHandler): RequestHandler =>
  (req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : next());

/** The file part of a speaking upload. */
const audioPart = { audio: { type: 'string', contentMediaType: 'application/octet-stream', description: 'WAV, MP3, M4A/MP4, OGG/Opus, WebM or FLAC; the type is read from the bytes' } };

/**
 * The multipart body as documented: the text fields of both shapes beside the file part. Which
 * go together is said in words (JSON Schema's oneOf over form fields is not well supported).
 */
const fieldsOf = (schema: z.ZodType) => (z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, unknown> }).properties;
const speakingForm = {
  type: 'object',
  description:
    'Either `taskId` (an answer to a published speaking task of the bank; its prompt, part and mode come with it) or, for free practice when the platform allows it, `skill`, `task` and `prompt`; never both. `attemptId` with either.',
  properties: { ...fieldsOf(speakingTaskAnswerSchema), ...fieldsOf(speakingPracticeSchema), ...audioPart },
  required: ['audio'],
  additionalProperties: false,
};

const operation = operationOf<SubmissionRouteDeps>();
const tag = 'Submissions';

function accepted(res: Response, reply: Replier<{ 202: { description: string; schema: typeof submissionDetailSchema } }>, { submission, replayed }: Created) {
  const links = selfLink(submission.id);
  if (replayed) res.set('Idempotent-Replayed', 'true');
  res.location(links.self);
  // What was asked comes back with the answer: the task's prompt exactly as authored.
  return reply(202, presentSubmissionDetail(submission, links));
}

export const submissionRoutes = [
  operation({
    method: 'post',
    path: '/submissions',
    summary: 'Submit a writing task (JSON) or a speaking answer (multipart with the audio file)',
    tag,
    roles: ['student'],
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'Makes retries safe: the same key with the same request returns the same submission (Idempotent-Replayed: true); with a different request, 422.',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
      },
    ],
    before: ({ config, limiter, audioStore }) => [
      rateLimit(limiter, 'submissions', config.rateLimits.windowSeconds, (req, res) => [
        { scope: 'account', id: res.locals.principal?.id, limit: config.rateLimits.submissionsPerAccount },
        { scope: 'ip', id: req.ip, limit: config.rateLimits.submissionsPerIp },
      ]),
      multipartOnly(receiveAudio(config, audioStore)),
    ],
    // Two media types: the handler reads the JSON body itself; the multipart one is received above.
    documentedBody: createWritingSubmissionSchema,
    otherBodies: {
      'multipart/form-data': speakingForm,
    },
    responses: { 202: { description: 'Accepted; grading runs in a workflow. Location: /submissions/{id}', schema: submissionDetailSchema }, ...problems(400, 401, 403, 409, 413, 415, 422, 429) },
    handler: async (_input, { req, res, deps, reply }) => {
      const student = principalOf(res.locals).id;
      const upload = res.locals.audio as ReceivedAudio | undefined;
      // A sitting's deadline is judged by when the whole answer has arrived (a recording too): an
      // upload trickled in slowly gets no extra time. The grace period covers a normal upload.
      const receivedAt = new Date();
      if (upload) return accepted(res, reply, await deps.service.createSpeaking(student, upload, res.locals.requestId, idempotencyKeyOf(req), receivedAt));
      if (req.is('application/json')) {
        const parsed = parseAnswer('writing', jsonBody(req), deps.config.exams.freePrompts);
        if (!parsed.ok) throw new ValidationError(parsed.errors);
        return accepted(res, reply, await deps.service.createWriting(student, parsed.value, res.locals.requestId, idempotencyKeyOf(req), receivedAt));
      }
      throw new UnsupportedMediaTypeError(
        'Writing tasks are sent as application/json; speaking answers as multipart/form-data with the recording in the "audio" part.',
      );
    },
  }),
  operation({
    method: 'get',
    path: '/submissions',
    summary: 'List visible submissions, newest first, with filters',
    tag,
    roles,
    query: listQuery,
    responses: { 200: { description: 'A page', schema: submissionPageSchema }, ...problems(400, 401) },
    handler: async ({ query }, { res, deps, reply }) => {
      const page = await deps.service.list(principalOf(res.locals), query);
      const viewer = viewerOf(principalOf(res.locals), deps.config.moderation);
      return reply(200, { items: page.items.map((s) => presentSubmission(s, selfLink(s.id), viewer)), nextCursor: page.nextCursor });
    },
  }),
  operation({
    method: 'get',
    path: '/submissions/:id',
    summary: 'One submission, with its prompt and (writing) essay',
    tag,
    roles,
    params: submissionIdParams,
    responses: { 200: { description: 'The submission', schema: submissionDetailSchema }, ...problems(400, 401, 404) },
    handler: async ({ params }, { res, deps, reply }) => {
      const submission = await deps.service.getVisible(params.id, principalOf(res.locals));
      if (!submission) throw new NotFoundError('No submission with this id.');
      return reply(200, presentSubmissionDetail(submission, selfLink(submission.id), viewerOf(principalOf(res.locals), deps.config.moderation)));
    },
  }),
  operation({
    method: 'get',
    path: '/submissions/:id/audio',
    summary: 'The recording of a speaking answer',
    tag,
    roles,
    params: submissionIdParams,
    responses: { 200: { description: 'The stored bytes, with their real content type', contentType: 'audio/*' }, ...problems(400, 401, 404) },
    handler: async ({ params }, { res, deps }) => {
      const submission = await deps.service.getVisible(params.id, principalOf(res.locals));
      if (!submission?.audioKey) throw new NotFoundError('No recording for this id.');
      const audio = await deps.audioStore.openStream(submission.audioKey).catch((error: unknown) => {
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
    },
  }),
  operation({
    method: 'delete',
    path: '/submissions/:id',
    summary: 'Delete (hard) and end its workflow',
    tag,
    roles: ['student', 'admin'],
    params: submissionIdParams,
    responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) },
    handler: async ({ params }, { res, deps, reply }) => {
      if (!(await deps.service.delete(params.id, principalOf(res.locals)))) throw new NotFoundError('No submission with this id.');
      return reply(204);
    },
  }),
  operation({
    method: 'post',
    path: '/admin/submissions/:id/retry',
    summary: 'Re-drive a failed submission',
    tag,
    roles: ['admin'],
    params: submissionIdParams,
    responses: { 202: { description: 'Grading again', schema: submissionSchema }, ...problems(400, 401, 403, 404, 409) },
    handler: async ({ params }, { res, deps, reply }) => {
      const submission = await deps.service.retry(params.id, principalOf(res.locals));
      if (!submission) throw new NotFoundError('No submission with this id.');
      const links = selfLink(submission.id);
      res.location(links.self);
      return reply(202, presentSubmission(submission, links, viewerOf(principalOf(res.locals), deps.config.moderation)));
    },
  }),
];
