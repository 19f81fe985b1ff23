// Every (role x endpoint) pair, including "someone else's submission". A submission a principal
// may not see answers 404, never 403, so ids cannot be probed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmissionStatus } from '../../src/domain/lifecycle.ts';
import { workflowIdFor } from '../../src/grading/contract.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { signedIn, testPassword, type TestUser } from '../helpers/users.ts';

type Actor = 'anonymous' | 'owner' | 'otherStudent' | 'grader' | 'admin';

let platform: TestPlatform;
let actors: Record<Exclude<Actor, 'anonymous'>, TestUser>;

beforeAll(async () => {
  platform = await startTestPlatform();
  const [owner, otherStudent, grader, admin] = await Promise.all(
    (['student', 'student', 'grader', 'admin'] as const).map((role) => signedIn(platform, role)),
  );
  actors = { owner: owner!, otherStudent: otherStudent!, grader: grader!, admin: admin! };
});
afterAll(() => platform?.stop());

/** A submission of the owner's, put directly in the given state (no workflow). */
async function ownedSubmission(status: SubmissionStatus = 'completed'): Promise<string> {
  const id = randomUUID();
  await platform.prisma.submission.create({
    data: {
      id,
      studentId: actors.owner.id,
      skill: 'writing',
      task: 'task1',
      mode: 'auto',
      status,
      prompt: holidayPrompt,
      text: holidayLetter,
      workflowId: workflowIdFor(id),
      deadlineAt: new Date(Date.now() + 1_200_000),
    },
  });
  return id;
}

function request(actor: Actor, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (actor !== 'anonymous') headers.authorization = `Bearer ${actors[actor].accessToken}`;
  return fetch(`${platform.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const writing = { skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter };

interface Case {
  endpoint: string;
  actor: Actor;
  status: number;
  run: (actor: Actor) => Promise<Response>;
}

const table = (endpoint: string, run: Case['run'], expected: Record<Actor, number>): Case[] =>
  (Object.keys(expected) as Actor[]).map((actor) => ({ endpoint, actor, status: expected[actor], run }));

const cases: Case[] = [
  ...table('POST /submissions', (a) => request(a, 'POST', '/submissions', writing), {
    anonymous: 401, owner: 202, otherStudent: 202, grader: 403, admin: 403,
  }),
  ...table('GET /submissions/:id (completed)', async (a) => request(a, 'GET', `/submissions/${await ownedSubmission()}`), {
    anonymous: 401, owner: 200, otherStudent: 404, grader: 404, admin: 200,
  }),
  ...table('GET /submissions/:id (in review)', async (a) => request(a, 'GET', `/submissions/${await ownedSubmission('review_pending')}`), {
    anonymous: 401, owner: 200, otherStudent: 404, grader: 200, admin: 200,
  }),
  ...table('GET /submissions/:id/events (completed)', async (a) => request(a, 'GET', `/submissions/${await ownedSubmission()}/events`), {
    anonymous: 401, owner: 200, otherStudent: 404, grader: 404, admin: 200,
  }),
  ...table('GET /submissions/:id/wait (in review)', async (a) => request(a, 'GET', `/submissions/${await ownedSubmission('review_pending')}/wait?timeout=0`), {
    anonymous: 401, owner: 200, otherStudent: 404, grader: 200, admin: 200,
  }),
  ...table('POST /attempts', (a) => request(a, 'POST', '/attempts', {}), {
    anonymous: 401, owner: 201, otherStudent: 201, grader: 403, admin: 403,
  }),
  ...table('GET /attempts/:id', async (a) => {
    const attempt = await platform.prisma.attempt.create({ data: { studentId: actors.owner.id } });
    return request(a, 'GET', `/attempts/${attempt.id}`);
  }, {
    anonymous: 401, owner: 200, otherStudent: 404, grader: 200, admin: 200,
  }),
  ...table('GET /progress (own)', (a) => request(a, 'GET', '/progress'), {
    anonymous: 401, owner: 200, otherStudent: 200, grader: 400, admin: 400,
  }),
  ...table("GET /progress?studentId=<owner's>", (a) => request(a, 'GET', `/progress?studentId=${actors.owner.id}`), {
    anonymous: 401, owner: 200, otherStudent: 403, grader: 200, admin: 200,
  }),
  ...table('GET /submissions', (a) => request(a, 'GET', '/submissions'), {
    anonymous: 401, owner: 200, otherStudent: 200, grader: 200, admin: 200,
  }),
  ...table('DELETE /submissions/:id', async (a) => request(a, 'DELETE', `/submissions/${await ownedSubmission()}`), {
    anonymous: 401, owner: 204, otherStudent: 404, grader: 403, admin: 204,
  }),
  ...table('POST /admin/submissions/:id/retry (completed)', async (a) => request(a, 'POST', `/admin/submissions/${await ownedSubmission()}/retry`), {
    anonymous: 401, owner: 403, otherStudent: 403, grader: 403, admin: 409,
  }),
  ...table('GET /reviews', (a) => request(a, 'GET', '/reviews'), {
    anonymous: 401, owner: 403, otherStudent: 403, grader: 200, admin: 200,
  }),
  ...table('POST /reviews/:id/claim (unknown)', (a) => request(a, 'POST', `/reviews/${randomUUID()}/claim`), {
    anonymous: 401, owner: 403, otherStudent: 403, grader: 404, admin: 403,
  }),
  ...table('POST /reviews/:id/release (unknown)', (a) => request(a, 'POST', `/reviews/${randomUUID()}/release`), {
    anonymous: 401, owner: 403, otherStudent: 403, grader: 404, admin: 403,
  }),
  ...table('POST /reviews/:id/complete (unknown)', (a) => request(a, 'POST', `/reviews/${randomUUID()}/complete`, { criteria: {} }), {
    anonymous: 401, owner: 403, otherStudent: 403, grader: 404, admin: 403,
  }),
  ...table('GET /me', (a) => request(a, 'GET', '/me'), {
    anonymous: 401, owner: 200, otherStudent: 200, grader: 200, admin: 200,
  }),
  ...table('POST /admin/users', (a) =>
    request(a, 'POST', '/admin/users', { email: `g-${randomUUID()}@example.com`, password: testPassword, name: 'G', role: 'grader' }), {
    anonymous: 401, owner: 403, otherStudent: 403, grader: 403, admin: 201,
  }),
  ...table('POST /auth/register', (a) =>
    request(a, 'POST', '/auth/register', { email: `s-${randomUUID()}@example.com`, password: testPassword, name: 'S' }), {
    anonymous: 201, owner: 201, otherStudent: 201, grader: 201, admin: 201,
  }),
  ...table('POST /auth/login (valid credentials)', (a) =>
    request(a, 'POST', '/auth/login', { email: actors.admin.email, password: testPassword }), {
    anonymous: 200, owner: 200, otherStudent: 200, grader: 200, admin: 200,
  }),
  ...table('POST /auth/refresh (unknown token)', (a) => request(a, 'POST', '/auth/refresh', { refreshToken: 'unknown' }), {
    anonymous: 401, owner: 401, otherStudent: 401, grader: 401, admin: 401,
  }),
  ...table('POST /auth/logout', (a) => request(a, 'POST', '/auth/logout', { refreshToken: 'unknown' }), {
    anonymous: 204, owner: 204, otherStudent: 204, grader: 204, admin: 204,
  }),
  ...table('GET /health', (a) => request(a, 'GET', '/health'), { anonymous: 200, owner: 200, otherStudent: 200, grader: 200, admin: 200 }),
  ...table('GET /ready', (a) => request(a, 'GET', '/ready'), { anonymous: 200, owner: 200, otherStudent: 200, grader: 200, admin: 200 }),
  ...table('GET /version', (a) => request(a, 'GET', '/version'), { anonymous: 200, owner: 200, otherStudent: 200, grader: 200, admin: 200 }),
];

describe('role x endpoint', () => {
  it.each(cases.map((c) => [c.endpoint, c.actor, c.status, c] as const))('%s as %s -> %i', async (_e, actor, status, c) => {
    const res = await c.run(actor);
    expect(res.status).toBe(status);
  });
});

describe('paths and methods the API does not serve', () => {
  const send = (path: string, method: string, user?: TestUser) => fetch(`${platform.baseUrl}${path}`, { method, headers: user ? user.headers : {} });

  it.each([
    ['PUT', '/submissions/00000000-0000-4000-8000-000000000000'],
    ['GET', '/submissions/00000000-0000-4000-8000-000000000000/nothing'],
    ['PATCH', '/reviews'],
    ['DELETE', '/attempts'],
    ['PUT', '/progress'],
  ])('when %s %s comes without a token, then it is 401 before anything is said about the path', async (method, path) => {
    expect((await send(path, method)).status).toBe(401);
  });

  it('when a signed-in user asks a served path with another method, then it is 405 with Allow; an unknown path is 404', async () => {
    const put = await send('/submissions/00000000-0000-4000-8000-000000000000', 'PUT', actors.owner);
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, DELETE, HEAD, OPTIONS');
    expect((await send('/submissions/00000000-0000-4000-8000-000000000000/nothing', 'GET', actors.owner)).status).toBe(404);
    // Outside those paths no token is needed to learn what a path takes.
    expect((await send('/me', 'PUT')).status).toBe(405);
  });
});

describe('what each role sees', () => {
  it('when listing, then a student gets only their own, a grader only those in review, an admin everything', async () => {
    const mine = await ownedSubmission('completed');
    const inReview = await ownedSubmission('review_pending');
    const ids = async (actor: Actor) => {
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const res = await request(actor, 'GET', `/submissions?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        const page = (await res.json()) as { items: { id: string; status: string }[]; nextCursor: string | null };
        page.items.forEach((i) => seen.add(i.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const owner = await ids('owner');
    expect(owner.has(mine) && owner.has(inReview)).toBe(true);
    const other = await ids('otherStudent');
    expect(other.has(mine) || other.has(inReview)).toBe(false);
    const grader = await ids('grader');
    expect([grader.has(mine), grader.has(inReview)]).toEqual([false, true]);
    const admin = await ids('admin');
    expect(admin.has(mine) && admin.has(inReview)).toBe(true);
  });

  it('when paging with a small limit, then pages do not overlap and a forged cursor is a 400', async () => {
    for (let i = 0; i < 3; i++) await ownedSubmission();
    const first = (await (await request('owner', 'GET', '/submissions?limit=2')).json()) as { items: { id: string }[]; nextCursor: string };
    expect(first.items).toHaveLength(2);
    const second = (await (await request('owner', 'GET', `/submissions?limit=2&cursor=${first.nextCursor}`)).json()) as { items: { id: string }[] };
    expect(second.items.some((i) => first.items.some((f) => f.id === i.id))).toBe(false);
    expect((await request('owner', 'GET', '/submissions?cursor=forged')).status).toBe(400);
    expect((await request('owner', 'GET', '/submissions?limit=1000')).status).toBe(400);
  });

  it('when a submission is deleted, then its row, events and results are gone', async () => {
    const id = await ownedSubmission();
    await platform.prisma.submissionEvent.create({ data: { submissionId: id, type: 'created', toStatus: 'pending' } });
    expect((await request('owner', 'DELETE', `/submissions/${id}`)).status).toBe(204);
    expect(await platform.prisma.submission.count({ where: { id } })).toBe(0);
    expect(await platform.prisma.submissionEvent.count({ where: { submissionId: id } })).toBe(0);
    expect((await request('owner', 'GET', `/submissions/${id}`)).status).toBe(404);
  });
});
