// The OpenAPI 3.1 description of the API, built from the same zod schemas the routes validate
// requests with (z.toJSONSchema; for a review decision, the contract the workflow's validator
// enforces), plus documented response shapes. Served at /openapi.json; /docs
// renders it with Swagger UI. test/integration/openapi.test.ts fails when a route is missing.
import { z } from 'zod';
import { createUserSchema, loginSchema, refreshSchema, registerSchema } from '../auth/auth.schemas.ts';
import { consoleHeader, sessionCookieName, sessionCookiePath, sessionTokenPattern } from '../auth/session-cookie.ts';
import { reviewDecisionContract, reviewIdParams, reviewListQuery } from '../reviews/review.schemas.ts';
import {
  createSpeakingSubmissionSchema,
  createWritingSubmissionSchema,
  listQuery,
  submissionIdParams,
  waitQuery,
} from '../submissions/submission.schemas.ts';
import { attemptIdParams, createAttemptSchema, progressQuery, studentQuery } from '../attempts/attempt.schemas.ts';
import {
  attempt,
  consoleSettings,
  health,
  problem,
  progress,
  review,
  reviewQueueItem,
  session,
  submission,
  submissionDetail,
  tokens,
  user,
} from './openapi.schemas.ts';

type Role = 'student' | 'grader' | 'admin';

interface Operation {
  method: 'get' | 'post' | 'delete';
  /** Express-style path (":id"); converted to OpenAPI's "{id}". */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it; absent: anyone, no token. */
  roles?: Role[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the operation reads (optional unless `required`). */
  headers?: Array<{ name: string; description: string; schema: Record<string, unknown>; required?: boolean }>;
  /** Cookies the operation reads (all optional). */
  cookies?: Array<{ name: string; description: string; schema: Record<string, unknown> }>;
  /** More than the summary says (shown after the roles). */
  description?: string;
  body?: z.ZodType;
  /** The body may be left out (every field is optional). */
  bodyOptional?: boolean;
  /** Extra request bodies by content type (multipart speaking answers). */
  otherBodies?: Record<string, Record<string, unknown>>;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, ResponseHeader> }>;
}

interface ResponseHeader {
  description: string;
  schema: Record<string, unknown>;
}


const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, { description: problemText[code] ?? 'Problem', schema: problem, contentType: 'application/problem+json' }]));
const problemText: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing or invalid access token',
  403: 'Role not allowed',
  404: 'Not found (or not visible to you)',
  409: 'Conflict with the current state',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Validation failed (errors per field)',
  429: 'Rate limited (Retry-After)',
  503: 'Unavailable (Retry-After)',
};

// The browser session: the refresh token travels only in this cookie, and the refresh and
// sign-out calls need the console's header (src/auth/session.routes.ts).
const consoleHeaderParameter = {
  name: consoleHeader.name,
  required: true,
  description: `Must be \`${consoleHeader.value}\` (403 otherwise): a custom header forces a CORS preflight, so other sites cannot send it.`,
  schema: { type: 'string', enum: [consoleHeader.value] },
};
const sessionCookie = (schema: Record<string, unknown>) => ({
  name: sessionCookieName,
  description: `The refresh token, set by POST /auth/session (HttpOnly, SameSite=Strict, Path=${sessionCookiePath}).`,
  schema,
});
const setsCookie = (what: string): Record<string, ResponseHeader> => ({
  'Set-Cookie': {
    description: `${sessionCookieName}=…; ${what}; Path=${sessionCookiePath}; HttpOnly; SameSite=Strict (Secure outside local/test or over TLS)`,
    schema: { type: 'string' },
  },
});

/** The text fields of a speaking upload; the file part is added beside them. */
const speakingFields = z.toJSONSchema(createSpeakingSubmissionSchema, { io: 'input' }) as Record<string, unknown> & { properties: object };

const audioPart = { audio: { type: 'string', contentMediaType: 'application/octet-stream', description: 'WAV, MP3, M4A/MP4, OGG/Opus, WebM or FLAC; the type is read from the bytes' } };

export const operations: Operation[] = [
  { method: 'get', path: '/health', summary: 'The process is alive', tag: 'Operations', responses: { 200: { description: 'Alive', schema: health } } },
  { method: 'get', path: '/ready', summary: 'PostgreSQL, Temporal and Redis reachable, each with status and latency', tag: 'Operations', responses: { 200: { description: 'Ready (Redis down: degraded)', schema: health }, 503: { description: 'Not ready', schema: health } } },
  { method: 'get', path: '/version', summary: 'APP_VERSION, GIT_SHA, BUILD_DATE', tag: 'Operations', responses: { 200: { description: 'Version', schema: z.looseObject({ version: z.string() }) } } },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'Operations', responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } } },
  { method: 'get', path: '/openapi.json', summary: 'This document', tag: 'Operations', responses: { 200: { description: 'OpenAPI 3.1' } } },
  { method: 'get', path: '/docs', summary: 'Interactive API documentation', tag: 'Operations', responses: { 200: { description: 'HTML', contentType: 'text/html' } } },
  // The console's pages and files (/, /console/...) are a web app, not API: only its settings are here.
  { method: 'get', path: '/console/settings.json', summary: 'Settings the web console reads at start', tag: 'Console', responses: { 200: { description: 'Settings', schema: consoleSettings } } },

  { method: 'post', path: '/auth/register', summary: 'Create a student account', tag: 'Accounts', body: registerSchema, responses: { 201: { description: 'Created', schema: user }, ...problems(400, 409, 413, 415, 422, 429) } },
  { method: 'post', path: '/auth/login', summary: 'Log in', tag: 'Accounts', body: loginSchema, responses: { 200: { description: 'Tokens', schema: tokens }, ...problems(400, 401, 413, 415, 422, 429) } },
  { method: 'post', path: '/auth/refresh', summary: 'Trade a refresh token for a new pair (the old one is spent)', tag: 'Accounts', body: refreshSchema, responses: { 200: { description: 'Tokens', schema: tokens }, ...problems(400, 401, 413, 415, 422, 429) } },
  { method: 'post', path: '/auth/logout', summary: 'Revoke the refresh token family', tag: 'Accounts', body: refreshSchema, responses: { 204: { description: 'Logged out' }, ...problems(400, 413, 415, 422) } },
  { method: 'post', path: '/auth/session', summary: 'Sign in the web console: the access token in the body, the refresh token in an HttpOnly cookie', tag: 'Accounts', body: loginSchema, description: 'Same checks and rate limits as /auth/login.', responses: { 200: { description: 'Signed in', schema: session, headers: setsCookie('Max-Age=JWT_REFRESH_TTL_SECONDS') }, ...problems(400, 401, 413, 415, 422, 429) } },
  { method: 'post', path: '/auth/session/refresh', summary: "Trade the session cookie's refresh token for a new access token (the cookie rotates)", tag: 'Accounts', headers: [consoleHeaderParameter], cookies: [sessionCookie({ type: 'string', pattern: sessionTokenPattern.source })], description: 'A missing, unknown, expired or spent token is a 401 and clears the cookie; a spent one also signs out its whole family.', responses: { 200: { description: 'Refreshed', schema: session, headers: setsCookie('Max-Age=JWT_REFRESH_TTL_SECONDS') }, 401: { ...problems(401)[401]!, description: 'No valid session (the cookie is cleared)', headers: setsCookie('Max-Age=0') }, ...problems(400, 403, 413, 415, 429) } },
  { method: 'delete', path: '/auth/session', summary: 'Sign the web console out: revoke the refresh token family and clear the cookie', tag: 'Accounts', headers: [consoleHeaderParameter], cookies: [sessionCookie({ type: 'string' })], description: 'Without a session cookie there is nothing to revoke: still 204.', responses: { 204: { description: 'Signed out', headers: setsCookie('Max-Age=0') }, ...problems(400, 403, 413, 415) } },
  { method: 'get', path: '/me', summary: 'Who am I', tag: 'Accounts', roles: ['student', 'grader', 'admin'], responses: { 200: { description: 'The account', schema: user }, ...problems(401) } },
  { method: 'post', path: '/admin/users', summary: 'Create an account with any role', tag: 'Accounts', roles: ['admin'], body: createUserSchema, responses: { 201: { description: 'Created', schema: user }, ...problems(400, 401, 403, 409, 413, 415, 422) } },

  {
    method: 'post',
    path: '/submissions',
    summary: 'Submit a writing task (JSON) or a speaking answer (multipart with the audio file)',
    tag: 'Submissions',
    roles: ['student'],
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'Makes retries safe: the same key with the same request returns the same submission (Idempotent-Replayed: true); with a different request, 422.',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
      },
    ],
    body: createWritingSubmissionSchema,
    otherBodies: {
      'multipart/form-data': {
        ...speakingFields,
        properties: { ...speakingFields.properties, ...audioPart },
        required: ['skill', 'task', 'prompt', 'audio'],
      },
    },
    responses: { 202: { description: 'Accepted; grading runs in a workflow. Location: /submissions/{id}', schema: submission }, ...problems(400, 401, 403, 409, 413, 415, 422, 429) },
  },
  { method: 'get', path: '/submissions', summary: 'List visible submissions, newest first, with filters', tag: 'Submissions', roles: ['student', 'grader', 'admin'], query: listQuery, responses: { 200: { description: 'A page', schema: z.object({ items: z.array(submission), nextCursor: z.string().nullable() }) }, ...problems(400, 401) } },
  { method: 'get', path: '/submissions/:id', summary: 'One submission, with its prompt and (writing) essay', tag: 'Submissions', roles: ['student', 'grader', 'admin'], params: submissionIdParams, responses: { 200: { description: 'The submission', schema: submissionDetail }, ...problems(400, 401, 404) } },
  { method: 'get', path: '/submissions/:id/events', summary: 'Live feed (Server-Sent Events); Last-Event-ID resumes', tag: 'Submissions', roles: ['student', 'grader', 'admin'], params: submissionIdParams, responses: { 200: { description: 'text/event-stream of the stored events', contentType: 'text/event-stream' }, 204: { description: 'Settled; nothing newer than Last-Event-ID' }, ...problems(400, 401, 404, 503) } },
  { method: 'get', path: '/submissions/:id/wait', summary: 'Long-poll until the status changes', tag: 'Submissions', roles: ['student', 'grader', 'admin'], params: submissionIdParams, query: waitQuery, responses: { 200: { description: 'The submission', schema: submission }, ...problems(400, 401, 404, 503) } },
  { method: 'get', path: '/submissions/:id/audio', summary: 'The recording of a speaking answer', tag: 'Submissions', roles: ['student', 'grader', 'admin'], params: submissionIdParams, responses: { 200: { description: 'The stored bytes, with their real content type', contentType: 'audio/*' }, ...problems(400, 401, 404) } },
  { method: 'delete', path: '/submissions/:id', summary: 'Delete (hard) and end its workflow', tag: 'Submissions', roles: ['student', 'admin'], params: submissionIdParams, responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404) } },
  { method: 'post', path: '/admin/submissions/:id/retry', summary: 'Re-drive a failed submission', tag: 'Submissions', roles: ['admin'], params: submissionIdParams, responses: { 202: { description: 'Grading again', schema: submission }, ...problems(400, 401, 403, 404, 409) } },

  { method: 'get', path: '/reviews', summary: 'The review queue, high priority first', tag: 'Reviews', roles: ['grader', 'admin'], query: reviewListQuery, description: 'Counts per priority follow the status and skill filters (not the priority filter).', responses: { 200: { description: 'Reviews and counts per priority', schema: z.object({ items: z.array(reviewQueueItem), counts: z.record(z.string(), z.number()) }) }, ...problems(400, 401, 403) } },
  { method: 'post', path: '/reviews/:id/claim', summary: 'Claim a review (lease)', tag: 'Reviews', roles: ['grader'], params: reviewIdParams, responses: { 200: { description: 'Claimed', schema: review }, ...problems(400, 401, 403, 404, 409) } },
  { method: 'post', path: '/reviews/:id/release', summary: 'Give a claimed review back', tag: 'Reviews', roles: ['grader'], params: reviewIdParams, responses: { 200: { description: 'Released', schema: review }, ...problems(400, 401, 403, 404, 409) } },
  { method: 'post', path: '/reviews/:id/complete', summary: 'Submit the final criterion scores (delivered to the workflow)', tag: 'Reviews', roles: ['grader'], params: reviewIdParams, body: reviewDecisionContract, responses: { 200: { description: 'The completed submission', schema: submission }, ...problems(400, 401, 403, 404, 409, 413, 415) } },

  { method: 'post', path: '/attempts', summary: 'Start an exam attempt', tag: 'Attempts and progress', roles: ['student'], body: createAttemptSchema, bodyOptional: true, responses: { 201: { description: 'Created', schema: attempt }, ...problems(400, 401, 403, 413, 415, 422) } },
  { method: 'get', path: '/attempts', summary: "A student's attempts", tag: 'Attempts and progress', roles: ['student', 'grader', 'admin'], query: studentQuery, responses: { 200: { description: 'Attempts', schema: z.object({ items: z.array(attempt) }) }, ...problems(400, 401, 403) } },
  { method: 'get', path: '/attempts/:id', summary: 'An attempt with per-task and per-skill scores', tag: 'Attempts and progress', roles: ['student', 'grader', 'admin'], params: attemptIdParams, responses: { 200: { description: 'The attempt', schema: attempt }, ...problems(400, 401, 404) } },
  { method: 'get', path: '/progress', summary: "A student's progress per skill", tag: 'Attempts and progress', roles: ['student', 'grader', 'admin'], query: progressQuery, responses: { 200: { description: 'Progress', schema: progress }, ...problems(400, 401, 403, 404) } },
];

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

/** Named schemas (meta id) go to components.schemas, referenced from where they are used. */
const components: Record<string, unknown> = {};

function moveDefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(moveDefs);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$defs') {
      for (const [name, def] of Object.entries(value as Record<string, unknown>)) components[name] = moveDefs(def);
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace('#/$defs/', '#/components/schemas/');
    } else if (key !== '$schema') {
      out[key] = moveDefs(value);
    }
  }
  return out;
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return moveDefs(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })) as Record<string, unknown>;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType),
  }));
}

export function openApiDocument(info: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    const content: Record<string, unknown> = {};
    if (op.body) content['application/json'] = { schema: jsonSchema(op.body) };
    for (const [type, schema] of Object.entries(op.otherBodies ?? {})) {
      const { $schema: _, ...rest } = schema;
      content[type] = { schema: rest };
    }
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      operationId: `${op.method}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      ...(op.roles ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(op.roles || op.description ? { description: [op.roles && `Roles: ${op.roles.join(', ')}.`, op.description].filter(Boolean).join(' ') } : {}),
      parameters: [
        ...parameters('path', op.params),
        ...parameters('query', op.query),
        ...(op.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: h.schema })),
        ...(op.cookies ?? []).map((c) => ({ name: c.name, in: 'cookie', required: false, description: c.description, schema: c.schema })),
      ],
      ...(Object.keys(content).length ? { requestBody: { required: !op.bodyOptional, content } } : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([code, r]) => [
          code,
          {
            description: r.description,
            ...(r.headers ? { headers: r.headers } : {}),
            ...(r.schema || r.contentType
              ? { content: { [r.contentType ?? 'application/json']: r.schema ? { schema: jsonSchema(r.schema) } : {} } }
              : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'VSTEP Grading Platform API',
      version: info.version,
      description: 'Students submit VSTEP writing and speaking responses; each becomes a Temporal workflow that grades it. Errors are application/problem+json.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, schemas: components },
    paths,
  };
}
