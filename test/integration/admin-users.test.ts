// Accounts and the audit trail as admins manage them, through the API on the real PostgreSQL:
// the account list by role, renaming and role changes (audited, signing the account out, never
// of one's own role), and the trail read back by action, submission, subject and time.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { callApi, createUser, login, signedIn, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let admin: TestUser;
let otherAdmin: TestUser;
let grader: TestUser;
let senior: TestUser;
let student: TestUser;

beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
  [admin, otherAdmin, grader, senior, student] = await Promise.all([
    signedIn(platform, 'admin'),
    signedIn(platform, 'admin'),
    signedIn(platform, 'grader'),
    signedIn(platform, 'senior'),
    signedIn(platform, 'student'),
  ]);
});
afterAll(() => platform?.stop());

const api = (user: TestUser, method: string, path: string, body?: unknown) => callApi(platform.baseUrl, user, method, path, body);

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

/** Every page of `path` (a query string ending in `&` or `?`), until `done` says enough. */
async function walk<T>(user: TestUser, path: string, done: (seen: T[]) => boolean = () => false): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await api(user, 'GET', `${path}${cursor ? `cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = res.body as Page<T>;
    items.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && !done(items));
  return { items, pages };
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { status: number; detail: string; errors?: Array<{ field: string; message: string }> };
}

const send = (user: TestUser | undefined, method: string, path: string, body?: string) =>
  fetch(`${platform.baseUrl}${path}`, { method, headers: user ? user.headers : { 'content-type': 'application/json' }, body });

const recordsOf = (subjectId: string) => platform.prisma.auditRecord.findMany({ where: { subjectId }, orderBy: { id: 'asc' } });

describe('the account list', () => {
  it('when paging one role with a small limit, then pages are newest first, do not overlap, and hold only that role', async () => {
    // Other test files make accounts meanwhile: these three are looked for, in their order.
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) mine.push((await createUser(platform, 'senior')).id);
    const { items, pages } = await walk<Account>(admin, '/admin/users?role=senior&limit=2&', (seen) => mine.every((id) => seen.some((a) => a.id === id)));
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(items.map((a) => a.id)).size).toBe(items.length);
    expect(items.every((a) => a.role === 'senior')).toBe(true);
    expect(items.filter((a) => mine.includes(a.id)).map((a) => a.id)).toEqual([...mine].reverse());
    const order = items.map((a) => [Date.parse(a.createdAt), a.id] as const);
    for (let i = 1; i < order.length; i++) {
      const [[t0, id0], [t1, id1]] = [order[i - 1]!, order[i]!];
      expect(t0 > t1 || (t0 === t1 && id0 > id1), `${id0} before ${id1}`).toBe(true);
    }
    expect(items.find((a) => a.id === mine[0])).toEqual({ id: mine[0], email: expect.stringMatching(/@example\.com$/), name: 'Test senior', role: 'senior', createdAt: expect.any(String) });
  });

  it('when no role is given, then every role is listed at the default page size of 50', async () => {
    const res = await api(admin, 'GET', '/admin/users');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(50);
    const { items } = await walk<Account>(admin, '/admin/users?limit=200&', (seen) => [admin, grader, senior, student].every((u) => seen.some((a) => a.id === u.id)));
    expect(new Set(items.map((a) => a.role))).toEqual(new Set(['admin', 'grader', 'senior', 'student']));
  });

  it.each([
    ['role=examiner', 'query.role'],
    ['limit=0', 'query.limit'],
    ['limit=201', 'query.limit'],
    ['cursor=not-a-cursor', 'query.cursor'],
  ])('when the query has %s, then it is 400 naming the parameter', async (query, field) => {
    const problem = await expectProblem(await send(admin, 'GET', `/admin/users?${query}`), 400);
    expect(problem.errors?.map((e) => e.field)).toEqual([field]);
  });
});

describe('changing an account', () => {
  it('when an admin changes a role, then the account has it, an audit record says from what to what, and nothing else is recorded for a rename', async () => {
    const user = await createUser(platform, 'grader');
    const res = await api(admin, 'PATCH', `/admin/users/${user.id}`, { role: 'senior' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: user.id, email: user.email, name: 'Test grader', role: 'senior', createdAt: expect.any(String) });
    expect((await platform.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe('senior');
    const [record, ...more] = await recordsOf(user.id);
    expect(more).toEqual([]);
    expect(record).toMatchObject({ actorId: admin.id, action: 'user.role_changed', subjectId: user.id, submissionId: null, before: { role: 'grader' }, after: { role: 'senior' }, redacted: false });

    const renamed = await api(admin, 'PATCH', `/admin/users/${user.id}`, { name: '  Thu Nguyen ' });
    expect(renamed.body).toMatchObject({ name: 'Thu Nguyen', role: 'senior' });
    // The same role again is no change: nothing recorded.
    expect((await api(admin, 'PATCH', `/admin/users/${user.id}`, { role: 'senior', name: 'Thu' })).status).toBe(200);
    expect(await recordsOf(user.id)).toHaveLength(1);
  });

  it("when a role changes, then the account's refresh tokens stop working and its next sign-in carries the new role", async () => {
    const user = await signedIn(platform, 'student');
    const other = await login(platform, user.email);
    const otherSession = ((await other.json()) as { refreshToken: string }).refreshToken;
    expect((await api(admin, 'PATCH', `/admin/users/${user.id}`, { role: 'admin' })).status).toBe(200);

    for (const refreshToken of [user.refreshToken, otherSession]) {
      const refreshed = await send(undefined, 'POST', '/auth/refresh', JSON.stringify({ refreshToken }));
      expect(refreshed.status).toBe(401);
    }
    // The access token issued before keeps its role until it expires.
    expect((await api(user, 'GET', '/admin/users?limit=1')).status).toBe(403);
    const again = await login(platform, user.email);
    const tokens = (await again.json()) as { accessToken: string };
    const promoted = { ...user, headers: { ...user.headers, authorization: `Bearer ${tokens.accessToken}` } };
    expect((await api(promoted, 'GET', '/me')).body.role).toBe('admin');
    expect((await api(promoted, 'GET', '/admin/users?limit=1')).status).toBe(200);
  });

  it('when an admin changes their own role, then it is 409 saying why, and their name can still be changed', async () => {
    const res = await send(admin, 'PATCH', `/admin/users/${admin.id}`, JSON.stringify({ role: 'grader' }));
    const problem = await expectProblem(res, 409);
    expect(problem.detail).toMatch(/own role.*another admin.*never left without an admin/);
    expect((await platform.prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe('admin');
    expect(await recordsOf(admin.id)).toEqual([]);
    expect((await api(admin, 'PATCH', `/admin/users/${admin.id}`, { name: 'Head of exams' })).body).toMatchObject({ name: 'Head of exams', role: 'admin' });
  });

  it('when an admin who has since been demoted uses their old access token, then it is 403 and nothing changes', async () => {
    const demoted = await signedIn(platform, 'admin');
    const target = await createUser(platform, 'student');
    expect((await api(otherAdmin, 'PATCH', `/admin/users/${demoted.id}`, { role: 'grader' })).status).toBe(200);
    await expectProblem(await send(demoted, 'PATCH', `/admin/users/${target.id}`, JSON.stringify({ role: 'admin' })), 403);
    expect((await platform.prisma.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe('student');
  });

  it('when the id is unknown, then it is 404; when it is not a UUID, 400', async () => {
    await expectProblem(await send(admin, 'PATCH', `/admin/users/${randomUUID()}`, JSON.stringify({ role: 'grader' })), 404);
    await expectProblem(await send(admin, 'PATCH', '/admin/users/not-a-uuid', JSON.stringify({ role: 'grader' })), 400);
  });

  it.each([
    ['no field', {}, ''],
    ['an unknown field', { email: 'new@example.com' }, ''],
    ['an unknown role', { role: 'examiner' }, 'role'],
    ['a blank name', { name: '   ' }, 'name'],
  ])('when the body has %s, then it is 422 with the field errors', async (_case, body, field) => {
    const user = await createUser(platform, 'student');
    const problem = await expectProblem(await send(admin, 'PATCH', `/admin/users/${user.id}`, JSON.stringify(body)), 422);
    expect(problem.errors?.length).toBeGreaterThan(0);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect(await platform.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ role: 'student', name: 'Test student' });
  });

  it('when the body is not JSON, then it is 400', async () => {
    await expectProblem(await send(admin, 'PATCH', `/admin/users/${student.id}`, '{"role":'), 400);
  });
});

describe('who may manage accounts and read the trail', () => {
  const calls = () =>
    [
      ['GET', '/admin/users'],
      ['PATCH', `/admin/users/${student.id}`, { role: 'grader' }],
      ['GET', '/admin/audit'],
    ] as const;

  it.each(['grader', 'senior', 'student'] as const)('when a %s calls them, then each is 403', async (role) => {
    const caller = { grader, senior, student }[role];
    for (const [method, path, body] of calls()) {
      await expectProblem(await send(caller, method, path, body && JSON.stringify(body)), 403);
    }
    expect((await platform.prisma.user.findUniqueOrThrow({ where: { id: student.id } })).role).toBe('student');
  });

  it('when nobody is signed in, then each is 401, and so is an unknown path under /admin', async () => {
    for (const [method, path, body] of calls()) await expectProblem(await send(undefined, method, path, body && JSON.stringify(body)), 401);
    await expectProblem(await send(undefined, 'GET', '/admin/nothing'), 401);
    await expectProblem(await send(admin, 'GET', '/admin/nothing'), 404);
  });
});

describe('the audit trail', () => {
  interface Item {
    id: string;
    at: string;
    actorId: string | null;
    action: string;
    submissionId: string | null;
    subjectId: string | null;
    before: unknown;
    after: unknown;
    redacted: boolean;
  }

  /** Records of a submission of their own (ids without rows: the trail has no foreign keys), at the given instants. */
  async function seedTrail(ats: Date[]) {
    const submissionId = randomUUID();
    for (const [i, at] of ats.entries()) {
      await platform.prisma.auditRecord.create({
        data: { at, actorId: grader.id, action: i % 2 === 0 ? 'mark.recorded' : 'result.finalised', submissionId, subjectId: randomUUID(), before: i === 0 ? undefined : { overall: i }, after: { overall: i + 0.5 } },
      });
    }
    return submissionId;
  }

  it('when a role change is read back, then its record is there in full, with its id as a string', async () => {
    const user = await createUser(platform, 'student');
    expect((await api(admin, 'PATCH', `/admin/users/${user.id}`, { role: 'grader' })).status).toBe(200);
    const res = await api(admin, 'GET', `/admin/audit?subjectId=${user.id}&action=user.role_changed&actorId=${admin.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          id: expect.stringMatching(/^[0-9]+$/),
          at: expect.any(String),
          actorId: admin.id,
          action: 'user.role_changed',
          submissionId: null,
          subjectId: user.id,
          before: { role: 'student' },
          after: { role: 'grader' },
          redacted: false,
        },
      ],
      nextCursor: null,
    });
  });

  it('when filtering by submission and action and paging, then records come newest first (the later id first at the same instant), without overlap', async () => {
    const t = new Date('2026-03-01T10:00:00.000Z').getTime();
    // Two records share an instant: the id breaks the tie.
    const submissionId = await seedTrail([new Date(t), new Date(t + 1000), new Date(t + 2000), new Date(t + 2000), new Date(t + 3000)]);
    const { items, pages } = await walk<Item>(admin, `/admin/audit?submissionId=${submissionId}&limit=2&`);
    expect(pages).toBe(3);
    expect(items).toHaveLength(5);
    const stored = await platform.prisma.auditRecord.findMany({ where: { submissionId }, orderBy: [{ at: 'desc' }, { id: 'desc' }] });
    expect(items.map((i) => i.id)).toEqual(stored.map((r) => r.id.toString()));
    expect(BigInt(items[1]!.id) > BigInt(items[2]!.id)).toBe(true);
    expect(items.at(-1)).toMatchObject({ at: '2026-03-01T10:00:00.000Z', before: null, after: { overall: 0.5 }, redacted: false });

    const marks = await api(admin, 'GET', `/admin/audit?submissionId=${submissionId}&action=mark.recorded`);
    expect(marks.body.items.map((i: Item) => i.at)).toEqual(['2026-03-01T10:00:03.000Z', '2026-03-01T10:00:02.000Z', '2026-03-01T10:00:00.000Z']);
    expect(marks.body.items.every((i: Item) => i.action === 'mark.recorded' && i.submissionId === submissionId)).toBe(true);
  });

  it('when filtering by time, then `from` is inclusive and `to` exclusive', async () => {
    const t = new Date('2026-04-01T08:00:00.000Z').getTime();
    const submissionId = await seedTrail([0, 1, 2, 3].map((s) => new Date(t + s * 1000)));
    const between = await api(admin, 'GET', `/admin/audit?submissionId=${submissionId}&from=2026-04-01T08:00:01Z&to=2026-04-01T10:00:03%2B02:00`);
    expect(between.status).toBe(200);
    expect(between.body.items.map((i: Item) => i.at)).toEqual(['2026-04-01T08:00:02.000Z', '2026-04-01T08:00:01.000Z']);
    const after = await api(admin, 'GET', `/admin/audit?submissionId=${submissionId}&from=2026-04-01T08:00:03Z`);
    expect(after.body.items).toHaveLength(1);
  });

  it.each([
    ['from after to', 'from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z', 'query.from'],
    ['a date without a time', 'from=2026-04-01', 'query.from'],
    ['an unknown action', 'action=user.deleted', 'query.action'],
    ['a submission id that is not a UUID', 'submissionId=42', 'query.submissionId'],
    ['a cursor of another list', 'cursor=1700000000000_00000000-0000-4000-8000-000000000000', 'query.cursor'],
    ['a limit over 200', 'limit=500', 'query.limit'],
  ])('when the query has %s, then it is 400 naming the parameter', async (_case, query, field) => {
    const problem = await expectProblem(await send(admin, 'GET', `/admin/audit?${query}`), 400);
    expect(problem.errors?.map((e) => e.field)).toEqual([field]);
  });
});
