// Hand-written bad input against every write endpoint: malformed JSON, wrong media types and
// charsets, oversized and deeply nested bodies, invalid UTF-8, NUL and unpaired surrogates, enum
// and prototype tricks, ids that are not UUIDs, query-string tricks. Every refusal is a 4xx
// application/problem+json of the documented shape, and no row is half-written.
// (Bad input already covered elsewhere: grading.e2e, auth, idempotency, speaking-upload, access-control.)
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { submitWriting } from '../helpers/submissions.ts';
import { signedIn, testPassword, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let student: TestUser;
let grader: TestUser;
let admin: TestUser;
let refresher: TestUser;
/** A human-mode submission of `student`, in review and claimed by `grader`. */
let inReview: { submissionId: string; reviewId: string };
/** Every email these tests send contains it, so new accounts can be counted. */
const run = `bad-input-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  platform = await startTestPlatform(); // with a worker: one submission must reach human review
  [student, grader, admin, refresher] = await Promise.all([
    signedIn(platform, 'student'),
    signedIn(platform, 'grader'),
    signedIn(platform, 'admin'),
    signedIn(platform, 'student'),
  ]);
  const { id: submissionId } = await submitWriting(platform, { student, body: { mode: 'human' } });
  const review = await eventually(
    async () => {
      const row = await platform.prisma.reviewTask.findFirst({ where: { submissionId }, include: { submission: true } });
      return row?.submission.status === 'review_pending' ? row : undefined;
    },
    { what: 'the submission to reach review' },
  );
  const claim = await fetch(`${platform.baseUrl}/reviews/${review.id}/claim`, { method: 'POST', headers: grader.headers });
  expect(claim.status).toBe(200);
  inReview = { submissionId, reviewId: review.id };
});
afterAll(() => platform?.stop());

type Caller = 'anyone' | 'student' | 'grader' | 'admin';
interface Endpoint {
  path: () => string;
  as: Caller;
  /** A body the endpoint accepts (fresh per call). */
  valid: () => Record<string, unknown>;
  /** Free-text field used to carry bad bytes and characters. */
  text: string;
  /** Status of a body that is JSON but breaks the schema: 422, except a review decision (the API contract says 400). */
  invalid: 400 | 422;
}

const email = () => `${run}-${randomUUID()}@example.com`;
const decision = () => ({
  criteria: { taskFulfilment: { score: 6 }, organisation: { score: 6 }, vocabulary: { score: 6.5 }, grammar: { score: 6 } },
  feedback: 'Clear letter.',
});
const writing = () => ({ skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter });

const endpoints: Record<string, Endpoint> = {
  'POST /auth/register': { path: () => '/auth/register', as: 'anyone', valid: () => ({ email: email(), password: testPassword, name: 'Lan' }), text: 'name', invalid: 422 },
  'POST /auth/login': { path: () => '/auth/login', as: 'anyone', valid: () => ({ email: student.email, password: testPassword }), text: 'email', invalid: 422 },
  'POST /auth/refresh': { path: () => '/auth/refresh', as: 'anyone', valid: () => ({ refreshToken: refresher.refreshToken }), text: 'refreshToken', invalid: 422 },
  'POST /auth/logout': { path: () => '/auth/logout', as: 'anyone', valid: () => ({ refreshToken: 'not-a-token-of-anyone' }), text: 'refreshToken', invalid: 422 },
  'POST /admin/users': { path: () => '/admin/users', as: 'admin', valid: () => ({ email: email(), password: testPassword, name: 'Thu', role: 'grader' }), text: 'name', invalid: 422 },
  'POST /submissions': { path: () => '/submissions', as: 'student', valid: writing, text: 'text', invalid: 422 },
  'POST /attempts': { path: () => '/attempts', as: 'student', valid: () => ({ title: 'Mock exam' }), text: 'title', invalid: 422 },
  'POST /reviews/:id/complete': { path: () => `/reviews/${inReview.reviewId}/complete`, as: 'grader', valid: decision, text: 'feedback', invalid: 400 },
};
const routes = Object.keys(endpoints);

type Body = RequestInit['body'];
const callers = (): Record<Caller, TestUser | undefined> => ({ anyone: undefined, student, grader, admin });

/** POSTs `body` to the endpoint as its caller. */
function send(route: string, body: Body, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const endpoint = endpoints[route]!;
  const user = callers()[endpoint.as];
  return fetch(`${platform.baseUrl}${endpoint.path()}`, {
    method: 'POST',
    headers: { ...(user ? { authorization: user.headers.authorization! } : {}), ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

const as = (caller: Caller, path: string, method = 'GET', body?: unknown) =>
  fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: callers()[caller]?.headers ?? {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** The rows a refused write could have touched, scoped to this file's accounts (other files run alongside). */
async function rows() {
  const prisma = platform.prisma;
  const mine = { studentId: student.id };
  const [users, refreshTokens, submissions, events, attempts, results, review] = await Promise.all([
    prisma.user.count({ where: { email: { contains: run } } }),
    prisma.refreshToken.count({ where: { userId: { in: [student.id, refresher.id] }, usedAt: null, revokedAt: null } }),
    prisma.submission.count({ where: mine }),
    prisma.submissionEvent.count({ where: { submission: mine } }),
    prisma.attempt.count({ where: mine }),
    prisma.gradingResult.count({ where: { submission: mine } }),
    prisma.reviewTask.findUniqueOrThrow({ where: { id: inReview.reviewId }, select: { status: true, claimedById: true } }),
  ]);
  return { users, refreshTokens, submissions, events, attempts, results, review };
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: { field: string; message: string }[];
}

/** A 4xx problem+json of the documented shape, without internals. */
async function expectProblem(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as Problem;
  expect(problem).toMatchObject({ type: expect.stringMatching(/^\/problems\/[a-z-]+$/), title: expect.any(String), status, detail: expect.any(String), requestId: expect.any(String) });
  expect(Object.keys(problem).sort()).toEqual(['detail', 'errors', 'instance', 'requestId', 'status', 'title', 'type'].filter((k) => k !== 'errors' || problem.errors));
  for (const error of problem.errors ?? []) expect(Object.keys(error).sort()).toEqual(['field', 'message']);
  expect(text).not.toMatch(/prisma|SyntaxError|Unexpected token|\.ts:\d+|node_modules|at [\w.]+ \(/i);
  return problem;
}

/** Runs `request`, expects the problem, and that nothing was written meanwhile. */
async function expectRefused(request: () => Promise<Response>, status: number): Promise<Problem> {
  const before = await rows();
  const problem = await expectProblem(await request(), status);
  expect(await rows()).toEqual(before);
  return problem;
}

const fields = (problem: Problem) => (problem.errors ?? []).map((e) => e.field);
/** The valid body with `field` set to `value`, serialised. */
const withField = (route: string, field: string, value: unknown) => JSON.stringify({ ...endpoints[route]!.valid(), [field]: value });

describe('malformed JSON', () => {
  const bodies: [string, string][] = [
    ['a string cut off', '{"email": "lan@exa'],
    ['trailing garbage', '{"title": "x"} trailing'],
    ['two documents', '{}{}'],
    ['a bare string', '"writing"'],
    ['a bare number', '42'],
    ['a bare null', 'null'],
    ['a bare true', 'true'],
    ['single quotes', "{'title': 'x'}"],
    ['a comment', '{/* note */}'],
    ['NaN', '{"score": NaN}'],
    ['a trailing comma', '{"title": "x",}'],
  ];
  it.each(routes.flatMap((route) => bodies.map(([name, body]) => [route, name, body] as const)))(
    'when %s gets %s, then the answer is 400 and nothing is stored',
    async (route, _name, body) => {
      const problem = await expectRefused(() => send(route, body), 400);
      expect(problem.detail).toBe('The request body is not valid JSON.');
    },
  );

  const arrays: [string, (route: string) => string][] = [
    ['[]', () => '[]'],
    ['[{}]', () => '[{}]'],
    ['[<a valid body>]', (route) => JSON.stringify([endpoints[route]!.valid()])],
  ];
  it.each(routes.flatMap((route) => arrays.map(([name, body]) => [route, name, body] as const)))(
    'when %s gets the array %s where an object is expected, then it is refused as invalid',
    async (route, _name, body) => {
      await expectRefused(() => send(route, body(route)), endpoints[route]!.invalid);
    },
  );
});

describe('content types and charsets', () => {
  const utf16 = (route: string) => Buffer.from(`\ufeff${JSON.stringify(endpoints[route]!.valid())}`, 'utf16le');
  const cases: [string, (route: string) => Body, Record<string, string>][] = [
    ['text/plain', (r) => JSON.stringify(endpoints[r]!.valid()), { 'content-type': 'text/plain' }],
    ['form-urlencoded', () => 'email=a%40example.com&title=x', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['application/xml', () => '<title>x</title>', { 'content-type': 'application/xml' }],
    ['no content type', (r) => Buffer.from(JSON.stringify(endpoints[r]!.valid())), {}],
    ['charset=latin1', (r) => Buffer.from(JSON.stringify(endpoints[r]!.valid()), 'latin1'), { 'content-type': 'application/json; charset=latin1' }],
    ['charset=utf-16 (really UTF-16)', utf16, { 'content-type': 'application/json; charset=utf-16' }],
    ['charset=utf-16le (really UTF-16)', utf16, { 'content-type': 'application/json; charset=utf-16le' }],
    ['charset=utf-32', (r) => JSON.stringify(endpoints[r]!.valid()), { 'content-type': 'application/json; charset=utf-32' }],
    ['an unknown Content-Encoding', (r) => JSON.stringify(endpoints[r]!.valid()), { 'content-type': 'application/json', 'content-encoding': 'snappy' }],
  ];
  // POST /submissions answers text/plain, form-encoded and multipart itself (grading.e2e and speaking-upload).
  const table = routes.flatMap((route) =>
    cases.filter(([name]) => route !== 'POST /submissions' || !['text/plain', 'form-urlencoded'].includes(name)).map(([name, body, headers]) => [route, name, body, headers] as const),
  );
  it.each(table)('when %s gets a body as %s, then the answer is 415 and nothing is stored', async (route, _name, body, headers) => {
    await expectRefused(() => send(route, body(route), headers), 415);
  });

  it.each(routes.filter((r) => r !== 'POST /submissions'))('when %s gets multipart/form-data, then the answer is 415', async (route) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(endpoints[route]!.valid())) form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    await expectRefused(() => send(route, form, {}), 415);
  });

  it('when a POST carries no body and no content type, then it is not refused as a media type (an attempt needs no body)', async () => {
    const res = await fetch(`${platform.baseUrl}/attempts`, { method: 'POST', headers: { authorization: student.headers.authorization! } });
    expect(res.status).toBe(201);
  });
});

describe('huge and deeply nested bodies', () => {
  const huge = 'x'.repeat(300_000); // JSON_BODY_LIMIT is 256kb

  it.each(routes.filter((r) => r !== 'POST /submissions'))('when %s gets a body over JSON_BODY_LIMIT, then the answer is 413', async (route) => {
    const problem = await expectRefused(() => send(route, withField(route, endpoints[route]!.text, huge)), 413);
    expect(problem.detail).toMatch(/larger than/);
  });

  it('when an oversized body streams without Content-Length, then it is cut off with 413', async () => {
    const chunk = new TextEncoder().encode(`{"skill":"writing","task":"task1","prompt":"p","text":"${'x'.repeat(64 * 1024)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await expectRefused(() => send('POST /submissions', stream), 413);
  });

  it('when a small gzip body inflates past JSON_BODY_LIMIT, then the answer is 413', async () => {
    const bomb = gzipSync(withField('POST /submissions', 'text', 'a'.repeat(5_000_000)));
    expect(bomb.length).toBeLessThan(16 * 1024);
    await expectRefused(() => send('POST /submissions', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413);
  });

  const tooLong: [string, string, number, string][] = [
    ['POST /auth/register', 'name', 121, 'name'],
    ['POST /auth/register', 'password', 201, 'password'],
    ['POST /auth/register', 'email', 255, 'email'],
    ['POST /auth/login', 'email', 255, 'email'],
    ['POST /auth/login', 'password', 201, 'password'],
    ['POST /auth/refresh', 'refreshToken', 201, 'refreshToken'],
    ['POST /auth/logout', 'refreshToken', 201, 'refreshToken'],
    ['POST /admin/users', 'name', 121, 'name'],
    ['POST /submissions', 'prompt', 4001, 'prompt'],
    ['POST /submissions', 'text', 20_001, 'text'],
    ['POST /submissions', 'text', 250_000, 'text'], // an enormous essay that still fits the JSON limit
    ['POST /attempts', 'title', 201, 'title'],
    ['POST /reviews/:id/complete', 'feedback', 4001, 'feedback'],
  ];
  it.each(tooLong)('when %s gets a %s of %i characters (over its maximum), then it is refused naming the field', async (route, field, length, named) => {
    const value = field === 'email' ? `${'a'.repeat(length - 12)}@example.com` : 'a'.repeat(length);
    const problem = await expectRefused(() => send(route, withField(route, field, value)), endpoints[route]!.invalid);
    expect(fields(problem)).toContain(named);
  });

  it('when a review decision has a criterion feedback over 2000 characters or a criterion name over 64, then it is a 400', async () => {
    const base = decision();
    const longFeedback = { ...base, criteria: { ...base.criteria, grammar: { score: 6, feedback: 'a'.repeat(2001) } } };
    expect(fields(await expectRefused(() => send('POST /reviews/:id/complete', JSON.stringify(longFeedback)), 400))).toContain('criteria.grammar.feedback');
    const longName = { ...base, criteria: { ...base.criteria, ['c'.repeat(65)]: { score: 6 } } };
    await expectRefused(() => send('POST /reviews/:id/complete', JSON.stringify(longName)), 400);
  });

  const nested: [string, (depth: number) => string][] = [
    ['unclosed arrays', (d) => '['.repeat(d)],
    ['closed arrays', (d) => `${'['.repeat(d)}${']'.repeat(d)}`],
    ['nested objects', (d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`],
  ];
  it.each(routes.flatMap((route) => nested.flatMap(([name, make]) => [10_000, 40_000].map((depth) => [route, depth, name, make] as const))))(
    'when %s gets %i levels of %s, then it is a 4xx and the process stays healthy',
    async (route, depth, name, make) => {
      const status = name === 'unclosed arrays' ? 400 : endpoints[route]!.invalid;
      await expectRefused(() => send(route, make(depth)), status);
      // and as the value of a field, where a string is expected
      await expectRefused(() => send(route, withField(route, endpoints[route]!.text, '§').replace('"§"', make(depth))), status);
      expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
    },
  );
});

describe('text that cannot be stored as it was sent', () => {
  const invalidUtf8: [string, number[]][] = [
    ['C3 28 (a bad continuation byte)', [0xc3, 0x28]],
    ['FF', [0xff]],
    ['C0 AF (an overlong slash)', [0xc0, 0xaf]],
    ['ED A0 80 (an encoded surrogate)', [0xed, 0xa0, 0x80]],
    ['E2 82 (a sequence cut short)', [0xe2, 0x82]],
  ];
  it.each(routes.flatMap((route) => invalidUtf8.map(([name, bytes]) => [route, name, bytes] as const)))(
    'when %s gets the invalid UTF-8 bytes %s inside a string, then the answer is 400 and nothing is stored',
    async (route, _name, bytes) => {
      const [head, tail] = withField(route, endpoints[route]!.text, 'Ab§cd').split('§');
      const body = Buffer.concat([Buffer.from(head!), Buffer.from(bytes), Buffer.from(tail!)]);
      const problem = await expectRefused(() => send(route, body), 400);
      expect(problem.detail).toMatch(/UTF-8/);
    },
  );

  // PostgreSQL text cannot hold NUL. Refresh tokens are only ever hashed, so a NUL in one is just an unknown token.
  const nul: [string, string, number][] = [
    ['POST /auth/register', 'name', 422],
    ['POST /auth/login', 'email', 422],
    ['POST /auth/refresh', 'refreshToken', 401],
    ['POST /admin/users', 'name', 422],
    ['POST /submissions', 'prompt', 422],
    ['POST /submissions', 'text', 422],
    ['POST /attempts', 'title', 422],
    ['POST /reviews/:id/complete', 'feedback', 400],
  ];
  it.each(nul)('when %s gets a NUL in %s, then it is a %i, never a 500, and nothing is stored', async (route, field, status) => {
    const value = field === 'email' ? 'lan\u0000@example.com' : 'Dear Tom,\u0000 fine.';
    const problem = await expectRefused(() => send(route, withField(route, field, value)), status);
    if (status !== 401) expect(fields(problem)).toContain(field);
  });

  // An unpaired surrogate cannot be encoded as UTF-8: stored, it would silently become U+FFFD.
  const surrogates: [string, (route: string) => string][] = [
    ['"\\ud800" in a value', (route) => withField(route, endpoints[route]!.text, 'Dear Tom,\ud800 fine.')],
    ['"\\udc00\\ud800" (a reversed pair) in a value', (route) => withField(route, endpoints[route]!.text, '\udc00\ud800')],
    ['"\\udfff" at the end of a value', (route) => withField(route, endpoints[route]!.text, 'fine\udfff')],
    ['"\\ud800" in a key', (route) => withField(route, '\ud800', 'x')],
  ];
  it.each(routes.flatMap((route) => surrogates.map(([name, body]) => [route, name, body] as const)))(
    'when %s gets an unpaired surrogate %s, then the answer is 400 and nothing is stored',
    async (route, _name, body) => {
      const problem = await expectRefused(() => send(route, body(route)), 400);
      expect(problem.detail).toMatch(/unpaired UTF-16 surrogate/);
    },
  );

  it('when a criterion feedback of a review decision holds a NUL, then it is a 400 and the review stays claimed', async () => {
    const base = decision();
    const body = { ...base, criteria: { ...base.criteria, grammar: { score: 6, feedback: 'ok\u0000' } } };
    expect(fields(await expectRefused(() => send('POST /reviews/:id/complete', JSON.stringify(body)), 400))).toContain('criteria.grammar.feedback');
  });

  it('when text holds a valid surrogate pair (an emoji), then it is accepted as sent', async () => {
    const res = await send('POST /attempts', JSON.stringify({ title: 'Mock exam \ud83d\ude00' }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { title: string }).title).toBe('Mock exam 😀');
  });
});

describe('enum, type and prototype tricks', () => {
  const submissionTricks: [string, Record<string, unknown>, string][] = [
    ['skill "Writing"', { skill: 'Writing' }, 'skill'],
    ['skill "writing " (a trailing space)', { skill: 'writing ' }, 'skill'],
    ['skill ["writing"]', { skill: ['writing'] }, 'skill'],
    ['skill {"$ne":null}', { skill: { $ne: null } }, 'skill'],
    ['skill null', { skill: null }, 'skill'],
    ['task "TASK1"', { task: 'TASK1' }, 'task'],
    ['task 1', { task: 1 }, 'task'],
    ['task "1"', { task: '1' }, 'task'],
    ['mode "__proto__"', { mode: '__proto__' }, 'mode'],
    ['mode "constructor"', { mode: 'constructor' }, 'mode'],
    ['mode "toString"', { mode: 'toString' }, 'mode'],
    ['mode ""', { mode: '' }, 'mode'],
    ['mode null', { mode: null }, 'mode'],
    ['prompt 42', { prompt: 42 }, 'prompt'],
    ['text {"$gt":""}', { text: { $gt: '' } }, 'text'],
    ['text ["a", "b"]', { text: ['a', 'b'] }, 'text'],
    ['attemptId 123', { attemptId: 123 }, 'attemptId'],
    ['attemptId {"$ne":null}', { attemptId: { $ne: null } }, 'attemptId'],
    ['attemptId [uuid]', { attemptId: [randomUUID()] }, 'attemptId'],
    ['attemptId ""', { attemptId: '' }, 'attemptId'],
    ['attemptId null', { attemptId: null }, 'attemptId'],
    ['attemptId "\\u0000"', { attemptId: '\u0000' }, 'attemptId'],
    ['an attemptId nobody has', { attemptId: randomUUID() }, 'attemptId'],
  ];
  it.each(submissionTricks)('when a writing submission has %s, then it is a 422 naming the field and nothing is stored', async (_name, patch, field) => {
    const problem = await expectRefused(() => send('POST /submissions', JSON.stringify({ ...writing(), ...patch })), 422);
    expect(fields(problem)).toContain(field);
  });

  // JSON.parse makes "__proto__" an own key; strict schemas refuse it rather than letting it set a prototype.
  const prototypeKeys: [string, string][] = [
    ['POST /auth/register', '{"__proto__": {"role": "admin"}}'],
    ['POST /auth/register', '{"constructor": {"prototype": {"role": "admin"}}}'],
    ['POST /auth/login', '{"__proto__": {"isAdmin": true}}'],
    ['POST /auth/refresh', '{"constructor": {}}'],
    ['POST /admin/users', '{"__proto__": {"role": "admin"}}'],
    ['POST /submissions', '{"__proto__": {"mode": "auto"}}'],
    ['POST /submissions', '{"constructor": {"name": "x"}}'],
    ['POST /attempts', '{"__proto__": {"studentId": "x"}}'],
    ['POST /reviews/:id/complete', '{"__proto__": {"graderId": "x"}}'],
  ];
  it.each(prototypeKeys)('when %s gets %s beside a valid body, then it is refused and no prototype is polluted', async (route, extra) => {
    const body = `${JSON.stringify(endpoints[route]!.valid()).slice(0, -1)}, ${extra.slice(1)}`;
    const problem = await expectRefused(() => send(route, body), endpoints[route]!.invalid);
    expect(problem.errors?.[0]?.message).toMatch(/nrecognized key/);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  const otherTricks: [string, Record<string, unknown>, string][] = [
    ['POST /auth/register', { email: ['lan@example.com'] }, 'email'],
    ['POST /auth/register', { email: { $ne: null } }, 'email'],
    ['POST /auth/register', { name: 42 }, 'name'],
    ['POST /auth/register', { name: '   ' }, 'name'],
    ['POST /auth/register', { password: 1234567890123 }, 'password'],
    ['POST /auth/login', { email: { $ne: null } }, 'email'],
    ['POST /auth/login', { password: { $gt: '' } }, 'password'],
    ['POST /auth/login', { email: ['x'] }, 'email'],
    ['POST /auth/refresh', { refreshToken: { $ne: null } }, 'refreshToken'],
    ['POST /auth/refresh', { refreshToken: 12345 }, 'refreshToken'],
    ['POST /auth/refresh', { refreshToken: '' }, 'refreshToken'],
    ['POST /auth/logout', { refreshToken: { $ne: null } }, 'refreshToken'],
    ['POST /admin/users', { role: 'Admin' }, 'role'],
    ['POST /admin/users', { role: '__proto__' }, 'role'],
    ['POST /admin/users', { role: ['admin'] }, 'role'],
    ['POST /admin/users', { extra: true }, ''],
    ['POST /attempts', { title: 42 }, 'title'],
    ['POST /attempts', { title: { $ne: null } }, 'title'],
    ['POST /attempts', { title: '' }, 'title'],
    ['POST /attempts', { studentId: randomUUID() }, ''],
    ['POST /reviews/:id/complete', { criteria: [] }, 'criteria'],
    ['POST /reviews/:id/complete', { criteria: 'all good' }, 'criteria'],
    ['POST /reviews/:id/complete', { criteria: undefined }, 'criteria'],
    ['POST /reviews/:id/complete', { score: 10 }, ''],
    ['POST /reviews/:id/complete', { feedback: 42 }, 'feedback'],
    ['POST /reviews/:id/complete', { criteria: { ...decision().criteria, grammar: { score: '6' } } }, 'criteria.grammar.score'],
    ['POST /reviews/:id/complete', { criteria: { ...decision().criteria, grammar: { score: { $gt: 0 } } } }, 'criteria.grammar.score'],
    ['POST /reviews/:id/complete', { criteria: { ...decision().criteria, grammar: { score: 6, evidence: ['x'] } } }, 'criteria.grammar'],
    ['POST /reviews/:id/complete', { criteria: { ...decision().criteria, grammar: 6 } }, 'criteria.grammar'],
  ];
  it.each(otherTricks)('when %s gets %j, then it is refused naming the field and nothing is stored', async (route, patch, field) => {
    const problem = await expectRefused(() => send(route, JSON.stringify({ ...endpoints[route]!.valid(), ...patch })), endpoints[route]!.invalid);
    expect(fields(problem)).toContain(field);
  });

  const grammarAs = (json: string) => (criteria: string) => criteria.replace('"grammar":{"score":6}', json);
  const criteriaTricks: [string, (criteria: string) => string][] = [
    ['a score of 1e999 (Infinity)', grammarAs('"grammar":{"score":1e999}')],
    ['a score of -0.5', grammarAs('"grammar":{"score":-0.5}')],
    ['a score of 10.5', grammarAs('"grammar":{"score":10.5}')],
    ['a "__proto__" criterion instead of grammar', grammarAs('"__proto__":{"score":6}')],
    ['an extra "constructor" criterion', (criteria) => `${criteria.slice(0, -1)},"constructor":{"score":6}}`],
    ['a criterion name with a NUL', grammarAs('"grammar":{"score":6},"grammar\\u0000":{"score":6}')],
  ];
  it.each(criteriaTricks)('when a review decision has %s, then it is a 400 and the review stays claimed', async (_name, edit) => {
    const body = `{"criteria": ${edit(JSON.stringify(decision().criteria))}}`;
    await expectRefused(() => send('POST /reviews/:id/complete', body), 400);
  });
});

describe('ids that are not UUIDs', () => {
  const targets: [string, Caller, string, (id: string) => string][] = [
    ['GET', 'student', '/submissions/:id', (id) => `/submissions/${id}`],
    ['DELETE', 'student', '/submissions/:id', (id) => `/submissions/${id}`],
    ['GET', 'student', '/submissions/:id/events', (id) => `/submissions/${id}/events`],
    ['GET', 'student', '/submissions/:id/wait', (id) => `/submissions/${id}/wait?timeout=0`],
    ['GET', 'student', '/submissions/:id/audio', (id) => `/submissions/${id}/audio`],
    ['POST', 'admin', '/admin/submissions/:id/retry', (id) => `/admin/submissions/${id}/retry`],
    ['POST', 'grader', '/reviews/:id/claim', (id) => `/reviews/${id}/claim`],
    ['POST', 'grader', '/reviews/:id/release', (id) => `/reviews/${id}/release`],
    ['POST', 'grader', '/reviews/:id/complete', (id) => `/reviews/${id}/complete`],
    ['GET', 'student', '/attempts/:id', (id) => `/attempts/${id}`],
  ];
  const ids: [string, string, number][] = [
    ['not-a-uuid', 'not-a-uuid', 400],
    ['%00', '%00', 400],
    ['4000 characters', 'a'.repeat(4000), 400],
    ['..%2F..%2Fadmin', '..%2F..%2Fadmin', 400],
    ['a UUID with a trailing newline', `${randomUUID()}%0A`, 400],
    ['a UUID with a non-hex digit', '00000000-0000-4000-8000-00000000000g', 400],
    ['%7B%22%24ne%22%3Anull%7D ({"$ne":null})', '%7B%22%24ne%22%3Anull%7D', 400],
    ['a malformed escape (%E0%A4%A)', '%E0%A4%A', 400],
    ['an unknown UUID', randomUUID(), 404],
    ['an unknown upper-case UUID', randomUUID().toUpperCase(), 404],
  ];
  const table = targets.flatMap(([method, caller, route, path]) =>
    ids.filter(([name]) => !(method === 'GET' && route === '/submissions/:id' && name === 'not-a-uuid')).map(([name, id, status]) => [method, route, name, caller, path(id), status] as const),
  );
  it.each(table)('when %s %s gets %s, then it is a problem, never a 500', async (method, _route, _name, caller, path, status) => {
    const body = path.includes('/complete') ? decision() : undefined;
    const problem = await expectRefused(() => as(caller, path, method, body), status);
    if (status === 400 && problem.errors) expect(fields(problem)).toContain('params.id');
  });
});

describe('query-string tricks on lists', () => {
  const waitPath = () => `/submissions/${inReview.submissionId}/wait`;
  const queries: [Caller, string | (() => string), string, string][] = [
    ['student', '/submissions', 'limit=-1', 'query.limit'],
    ['student', '/submissions', 'limit=0', 'query.limit'],
    ['student', '/submissions', 'limit=1e9', 'query.limit'],
    ['student', '/submissions', 'limit=abc', 'query.limit'],
    ['student', '/submissions', 'limit=2.5', 'query.limit'],
    ['student', '/submissions', 'limit=Infinity', 'query.limit'],
    ['student', '/submissions', 'limit=', 'query.limit'],
    ['student', '/submissions', 'limit=5&limit=6', 'query.limit'],
    ['student', '/submissions', 'status=pending&status=failed', 'query.status'],
    ['student', '/submissions', 'status=PENDING', 'query.status'],
    ['student', '/submissions', 'skill=Writing', 'query.skill'],
    ['student', '/submissions', 'skill=writing%20', 'query.skill'],
    ['student', '/submissions', 'task=task1&task=task2', 'query.task'],
    ['student', '/submissions', `cursor=${'A'.repeat(201)}`, 'query.cursor'],
    ['student', '/submissions', 'cursor=%00', 'query.cursor'],
    ['student', '/submissions', 'cursor=a&cursor=b', 'query.cursor'],
    ['student', '/submissions', `cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`, 'query.cursor'],
    ['student', '/submissions', 'attemptId=abc', 'query.attemptId'],
    ['admin', '/submissions', 'studentId=%00', 'query.studentId'],
    ['student', '/submissions', 'from=yesterday', 'query.from'],
    ['student', '/submissions', 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.from'],
    ['grader', '/reviews', 'limit=0', 'query.limit'],
    ['grader', '/reviews', 'limit=201', 'query.limit'],
    ['grader', '/reviews', 'status=open&status=claimed', 'query.status'],
    ['grader', '/reviews', 'priority=HIGH', 'query.priority'],
    ['student', '/attempts', 'limit=abc', 'query.limit'],
    ['admin', '/attempts', 'studentId=abc', 'query.studentId'],
    ['admin', '/progress', 'studentId=abc', 'query.studentId'],
    ['admin', '/progress', `studentId=${randomUUID()}&studentId=${randomUUID()}`, 'query.studentId'],
    ['student', waitPath, 'timeout=61', 'query.timeout'],
    ['student', waitPath, 'timeout=-1', 'query.timeout'],
    ['student', waitPath, 'timeout=abc', 'query.timeout'],
    ['student', waitPath, 'status=done', 'query.status'],
  ];
  it.each(queries.map(([caller, path, query, field]) => [typeof path === 'string' ? path : '/submissions/:id/wait', query, caller, path, field] as const))(
    'when GET %s?%s, then it is a 400 naming the parameter',
    async (_route, query, caller, path, field) => {
      const problem = await expectProblem(await as(caller, `${typeof path === 'string' ? path : path()}?${query}`), 400);
      expect(fields(problem)).toContain(field);
    },
  );

  it.each(['studentId[$ne]=x', '__proto__=x', 'constructor[prototype][role]=admin', 'limit[]=1'])(
    'when GET /submissions?%s, then the key is ignored, not parsed into an object, and a student still sees only their own',
    async (query) => {
      const res = await as('student', `/submissions?${query}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { id: string }[] };
      const own = await platform.prisma.submission.findMany({ where: { studentId: student.id }, select: { id: true } });
      expect(page.items.map((s) => s.id).every((id) => own.some((o) => o.id === id))).toBe(true);
    },
  );
});
