// Moderation end to end on the real servers: blind double marking, adjudication, overrides,
// appeals and the audit trail, through the API a grader, senior, admin and student use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnForSecondMarking } from '../../src/domain/moderation.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { bankTask } from '../helpers/tasks.ts';
import { openStream } from '../helpers/sse.ts';
import { callApi, signedIn, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let student: TestUser;
let otherStudent: TestUser;
let graderA: TestUser;
let graderB: TestUser;
let seniorA: TestUser;
let seniorB: TestUser;
let seniorC: TestUser;
let admin: TestUser;

beforeAll(async () => {
  platform = await startTestPlatform({ env: { GRADING_ADJUDICATION_THRESHOLD: '1', APPEAL_WINDOW_DAYS: '14' } });
  [student, otherStudent, graderA, graderB, seniorA, seniorB, seniorC, admin] = await Promise.all([
    signedIn(platform, 'student'),
    signedIn(platform, 'student'),
    signedIn(platform, 'grader'),
    signedIn(platform, 'grader'),
    signedIn(platform, 'senior'),
    signedIn(platform, 'senior'),
    signedIn(platform, 'senior'),
    signedIn(platform, 'admin'),
  ]);
});
afterAll(async () => {
  await platform?.stop();
});

const api = (user: TestUser, method: string, path: string, body?: unknown) => callApi(platform.baseUrl, user, method, path, body);

const scores = (taskFulfilment: number, organisation: number, vocabulary: number, grammar: number, feedback?: string) => ({
  criteria: { taskFulfilment: { score: taskFulfilment }, organisation: { score: organisation }, vocabulary: { score: vocabulary }, grammar: { score: grammar } },
  ...(feedback ? { feedback } : {}),
});
const all = (score: number, feedback?: string) => scores(score, score, score, score, feedback);

/** A task of the bank with every answer second-marked. */
const doubleMarkedTask = (mode: 'hybrid' | 'human') => bankTask(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, mode, secondMarkingRate: 1, title: `double-marked ${mode}` });

async function submitted(taskId: string, author = student): Promise<string> {
  const { status, body } = await api(author, 'POST', '/submissions', { taskId, text: holidayLetter });
  expect(status).toBe(202);
  return body.id as string;
}

/** The submission's reviews of `kind`, once open. */
async function reviewOf(submissionId: string, kind: string): Promise<string> {
  return eventually(
    async () => (await platform.prisma.reviewTask.findFirst({ where: { submissionId, kind: kind as 'first' }, select: { id: true } }))?.id,
    { what: `the ${kind} marking to open` },
  );
}

async function mark(user: TestUser, reviewId: string, decision: unknown) {
  const claim = await api(user, 'POST', `/reviews/${reviewId}/claim`);
  expect(claim.status, JSON.stringify(claim.body)).toBe(200);
  return api(user, 'POST', `/reviews/${reviewId}/complete`, decision);
}

/** Everything the live feed sends `user` about the submission so far, as one string. */
async function feedAs(user: TestUser, submissionId: string): Promise<string> {
  const stored = await platform.prisma.submissionEvent.count({ where: { submissionId } });
  const stream = await openStream(`${platform.baseUrl}/submissions/${submissionId}/events`, user.headers);
  try {
    expect(stream.status).toBe(200);
    return JSON.stringify(await stream.waitFor(stored));
  } finally {
    stream.close();
  }
}

async function completedBy(submissionId: string, author = student) {
  return eventually(
    async () => {
      const { body } = await api(author, 'GET', `/submissions/${submissionId}`);
      return body.status === 'completed' ? body : undefined;
    },
    { what: 'the submission to complete' },
  );
}

/** A human-mode answer marked once (not double-marked) by `grader` with `score` everywhere, completed. */
async function singleMarked(author: TestUser, grader: TestUser, score: number): Promise<string> {
  const taskId = await bankTask(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, mode: 'human', title: 'single-marked' });
  const id = await submitted(taskId, author);
  expect((await mark(grader, await reviewOf(id, 'first'), all(score))).status).toBe(200);
  await completedBy(id, author);
  return id;
}

describe('blind double marking', () => {
  it('when an answer is drawn for a second mark, then two markers mark it blind, the same one cannot take both, and agreeing marks are averaged on the half-point grid', async () => {
    const id = await submitted(await doubleMarkedTask('hybrid'));
    const first = await reviewOf(id, 'first');
    const second = await reviewOf(id, 'second');
    expect(await platform.prisma.submission.findUniqueOrThrow({ where: { id }, select: { doubleMarked: true } })).toEqual({ doubleMarked: true });

    // The queue lists both markings with their kind; the second's reasons say nothing of the AI's scores.
    const queue = await api(graderA, 'GET', '/reviews?kind=second');
    const listed = queue.body.items.find((r: { id: string }) => r.id === second);
    expect(listed).toMatchObject({ kind: 'second', reasons: ['second_marking'] });
    // Nor do the first's, read by every marker: the routing reasons stay with the AI draft.
    expect((await api(graderA, 'GET', '/reviews?kind=first')).body.items.find((r: { id: string }) => r.id === first).reasons).toEqual([]);

    // The first marker works with the AI draft, as in any hybrid review.
    expect((await api(graderA, 'POST', `/reviews/${first}/claim`)).status).toBe(200);
    const asA = (await api(graderA, 'GET', `/submissions/${id}`)).body;
    expect(asA.aiDraft).toMatchObject({ source: 'ai', version: 0 });
    expect(asA.aiDraft.routing.reasons).toContain('low_confidence');
    expect(asA.review).toMatchObject({ id: first, kind: 'first' });
    expect(asA.review.reasons).toContain('low_confidence');
    // Holding the first marking, the same grader cannot take the second too.
    const both = await api(graderA, 'POST', `/reviews/${second}/claim`);
    expect(both.status).toBe(409);
    expect(both.body.detail).toMatch(/You hold the first marking/);
    const firstDone = await api(graderA, 'POST', `/reviews/${first}/complete`, scores(7, 6.5, 6, 6.5, 'Marker A: clear and complete.'));
    expect(firstDone.status).toBe(200);
    expect(firstDone.body).toMatchObject({ status: 'review_pending', result: null });
    expect(firstDone.body.marks).toHaveLength(1);
    // Having marked it, still not the second.
    const again = await api(graderA, 'POST', `/reviews/${second}/claim`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already marked this submission/);

    // The second marker sees neither the first mark nor the AI draft, anywhere.
    const claimed = await api(graderB, 'POST', `/reviews/${second}/claim`);
    expect(claimed.status).toBe(200);
    const inList = (await api(graderB, 'GET', `/submissions?limit=100&studentId=${student.id}`)).body.items.find((s: { id: string }) => s.id === id);
    expect(inList).toMatchObject({ id, status: 'review_pending' });
    const queued = (await api(graderB, 'GET', '/reviews?limit=200')).body.items.filter((r: { submissionId: string }) => r.submissionId === id);
    expect(queued.map((r: { kind: string }) => r.kind)).toEqual(['second']);
    const seen = [
      JSON.stringify(claimed.body),
      JSON.stringify((await api(graderB, 'GET', `/submissions/${id}`)).body),
      // The list holds other answers too (their reasons are theirs): this one's entry.
      JSON.stringify(inList),
      await feedAs(graderB, id),
      // The queue holds other answers' reviews too (their reasons are theirs): this answer's.
      JSON.stringify(queued),
    ];
    for (const body of seen) {
      expect(body).not.toContain('Marker A');
      expect(body).not.toContain('"overall":6.5');
      expect(body).not.toContain('low_confidence');
      expect(body).not.toContain('near_level_boundary');
    }
    const asB = (await api(graderB, 'GET', `/submissions/${id}`)).body;
    expect(asB.marks).toEqual([]);
    expect(asB.aiDraft).toBeNull();
    expect(asB.review).toMatchObject({ id: second, kind: 'second', claimedBy: graderB.id });

    // 7/6.5/6/6.5 and 6.5/6.5/5.5/6: criterion means 6.75, 6.5, 5.75, 6.25, each rounded up on
    // the 0.5 grid: 7, 6.5, 6, 6.5; overall 26/4 = 6.5. The overalls (6.5 and 6.0) are within 1.0.
    const done = await api(graderB, 'POST', `/reviews/${second}/complete`, scores(6.5, 6.5, 5.5, 6, 'Marker B: a few slips.'));
    expect(done.status).toBe(200);
    const final = await completedBy(id);
    expect(final.result).toMatchObject({ source: 'double_marked', version: 1, overall: 6.5, level: 'B2' });
    expect(Object.fromEntries(Object.entries(final.result.criteria as Record<string, { score: number }>).map(([k, v]) => [k, v.score]))).toEqual({
      grammar: 6.5,
      organisation: 6.5,
      taskFulfilment: 7,
      vocabulary: 6,
    });
    expect(final.result.feedback).toBe('Marker A: clear and complete.\n\nMarker B: a few slips.');
    expect(final.marking).toMatchObject({ secondMarked: true, adjudicated: false, changedOnAppeal: false });
    expect(final.marks).toBeUndefined(); // students see the final result only
    // Once completed, staff see both marks.
    const staff = (await api(graderA, 'GET', `/submissions/${id}`)).body;
    expect(staff.marks.map((m: { kind: string; overall: number }) => [m.kind, m.overall])).toEqual([
      ['first', 6.5],
      ['second', 6],
    ]);
  });

  it('when a grader held the first marking and gave it back, then they cannot take the second: they have read the AI draft', async () => {
    const id = await submitted(await doubleMarkedTask('hybrid'));
    const first = await reviewOf(id, 'first');
    const second = await reviewOf(id, 'second');
    expect((await api(graderB, 'POST', `/reviews/${first}/claim`)).status).toBe(200);
    expect((await api(graderB, 'GET', `/submissions/${id}`)).body.aiDraft).not.toBeNull();
    expect((await api(graderB, 'POST', `/reviews/${first}/release`)).status).toBe(200);
    const refused = await api(graderB, 'POST', `/reviews/${second}/claim`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/held its first marking/);
    // Anyone else may; and B may take the first again.
    expect((await api(graderA, 'POST', `/reviews/${second}/claim`)).status).toBe(200);
    expect((await api(graderB, 'POST', `/reviews/${first}/claim`)).status).toBe(200);
  });

  it('when answers are drawn at a rate, then the draw is the one anyone can recompute from the id and the rate', async () => {
    const taskId = await bankTask(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, mode: 'human', secondMarkingRate: 0.5, title: 'half double-marked' });
    const ids = await Promise.all(Array.from({ length: 8 }, () => submitted(taskId, otherStudent)));
    const rows = await platform.prisma.submission.findMany({ where: { id: { in: ids } }, select: { id: true, doubleMarked: true } });
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row.doubleMarked).toBe(drawnForSecondMarking(row.id, 0.5));
    // Auto mode has no marker to double, whatever the rate.
    const auto = await bankTask(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, mode: 'auto', secondMarkingRate: 1, title: 'auto at rate 1' });
    const autoId = await submitted(auto, otherStudent);
    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id: autoId } })).doubleMarked).toBe(false);
  });
});

describe('adjudication', () => {
  let adjudicated: string;

  it('when two marks are further apart than the threshold, then a senior who did not mark it sees both side by side and decides the final scores', async () => {
    const id = await submitted(await doubleMarkedTask('human'));
    // A senior may mark too; then they cannot adjudicate the same answer.
    expect((await mark(seniorA, await reviewOf(id, 'first'), all(5, 'Senior A: B1 at best.'))).status).toBe(200);
    expect((await mark(graderB, await reviewOf(id, 'second'), all(7, 'Grader B: solid B2.'))).status).toBe(200);
    const adjudication = await reviewOf(id, 'adjudication');
    const item = (await api(seniorB, 'GET', '/reviews?kind=adjudication')).body.items.find((r: { id: string }) => r.id === adjudication);
    expect(item).toMatchObject({ kind: 'adjudication', priority: 'high', reasons: ['marks_disagree', 'levels_differ'] });
    expect((await api(graderA, 'POST', `/reviews/${adjudication}/claim`)).status).toBe(403);
    const marker = await api(seniorA, 'POST', `/reviews/${adjudication}/claim`);
    expect(marker.status).toBe(409);
    expect(marker.body.detail).toMatch(/already marked/);

    // Before claiming, a senior is as blind as any marker; holding the adjudication, they see both marks.
    expect((await api(seniorB, 'GET', `/submissions/${id}`)).body.marks).toEqual([]);
    expect((await api(seniorB, 'POST', `/reviews/${adjudication}/claim`)).status).toBe(200);
    const sideBySide = (await api(seniorB, 'GET', `/submissions/${id}`)).body;
    expect(sideBySide.marks.map((m: { kind: string; overall: number; graderId: string }) => [m.kind, m.overall, m.graderId])).toEqual([
      ['first', 5, seniorA.id],
      ['second', 7, graderB.id],
    ]);
    const decided = await api(seniorB, 'POST', `/reviews/${adjudication}/complete`, scores(6.5, 6, 6, 5.5, 'Adjudicated: a B2, just.'));
    expect(decided.status).toBe(200);
    const final = await completedBy(id);
    expect(final.result).toMatchObject({ source: 'adjudicated', version: 1, overall: 6, level: 'B2', feedback: 'Adjudicated: a B2, just.' });
    expect(final.marking).toMatchObject({ secondMarked: true, adjudicated: true });
    const kept = await platform.prisma.mark.findMany({ where: { submissionId: id }, orderBy: { createdAt: 'asc' }, select: { kind: true } });
    expect(kept.map((m) => m.kind)).toEqual(['first', 'second', 'adjudication']);
    adjudicated = id;
  });

  it('when a senior overrides a completed result, then a new version is shown, the previous one kept, the feed told and the change audited', async () => {
    const id = adjudicated;
    const body = { ...scores(7, 6.5, 6.5, 6.5, 'Re-read after moderation.'), reason: 'Moderation meeting: task fulfilment under-marked.' };
    expect((await api(graderA, 'POST', `/submissions/${id}/override`, body)).status).toBe(403);
    expect((await api(student, 'POST', `/submissions/${id}/override`, body)).status).toBe(403);
    const refused = await api(seniorC, 'POST', `/submissions/${id}/override`, { ...body, criteria: { grammar: { score: 6 } } });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/criteria must be exactly/);
    expect((await api(seniorC, 'POST', `/submissions/${id}/override`, { ...body, reason: ' ' })).status).toBe(400);

    const overridden = await api(seniorC, 'POST', `/submissions/${id}/override`, body);
    expect(overridden.status).toBe(200);
    expect(overridden.body.result).toMatchObject({ source: 'override', version: 2, overall: 6.5, reason: body.reason });
    expect(overridden.body.resultHistory.map((r: { version: number; source: string }) => [r.version, r.source])).toEqual([
      [1, 'adjudicated'],
      [2, 'override'],
    ]);
    const seen = (await api(student, 'GET', `/submissions/${id}`)).body;
    expect(seen.result).toMatchObject({ source: 'override', version: 2, overall: 6.5 });
    expect(seen.marking.overridden).toBe(true);
    expect(await feedAs(student, id)).toMatch(/"event":"result_changed".*"source":"override"/);
    const audit = await platform.prisma.auditRecord.findFirstOrThrow({ where: { submissionId: id, action: 'result.overridden' } });
    expect(audit).toMatchObject({ actorId: seniorC.id, before: { version: 1, source: 'adjudicated', overall: 6 }, after: { version: 2, source: 'override', overall: 6.5, reason: body.reason } });
    // Whoever decided a version of the result does not decide its appeal: here every senior has.
    expect((await api(student, 'POST', `/submissions/${id}/appeals`, { reason: 'After the override, please look again.' })).status).toBe(201);
    const appealReview = await reviewOf(id, 'appeal');
    const overrider = await api(seniorC, 'POST', `/reviews/${appealReview}/claim`);
    expect(overrider.status).toBe(409);
    expect(overrider.body.detail).toMatch(/decided a version of its result/);
    expect((await api(seniorB, 'POST', `/reviews/${appealReview}/claim`)).status).toBe(409);
    // While the appeal is open, the result is not overridden around it.
    expect((await api(admin, 'POST', `/submissions/${id}/override`, body)).status).toBe(409);
    // An answer still being marked has no result to override.
    const pending = await submitted(await doubleMarkedTask('human'));
    await reviewOf(pending, 'first');
    expect((await api(admin, 'POST', `/submissions/${pending}/override`, body)).status).toBe(409);
  });
});

describe('appeals', () => {
  it('when a student appeals, then a senior who did not mark it decides; a change is a new version the student sees; a second appeal is refused', async () => {
    const id = await singleMarked(student, graderA, 5);
    const reason = 'My letter answered every point; task fulfilment seems low.';
    expect((await api(otherStudent, 'POST', `/submissions/${id}/appeals`, { reason })).status).toBe(404);
    expect((await api(student, 'POST', `/submissions/${id}/appeals`, {})).status).toBe(422);
    const before = (await api(student, 'GET', `/submissions/${id}`)).body;
    expect(before.marking.appealOpenUntil).not.toBeNull();
    const opened = await api(student, 'POST', `/submissions/${id}/appeals`, { reason });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', reason, appealedVersion: 1, resultVersion: null });
    const second = await api(student, 'POST', `/submissions/${id}/appeals`, { reason: 'Again.' });
    expect(second.status).toBe(409);

    const review = await reviewOf(id, 'appeal');
    // The student's live feed stays open while the appeal is decided, and ends with its decision.
    const feed = await openStream(`${platform.baseUrl}/submissions/${id}/events`, student.headers);
    expect(feed.status).toBe(200);
    expect((await api(graderB, 'POST', `/reviews/${review}/claim`)).status).toBe(403);
    const senior = (await api(seniorA, 'GET', '/reviews?kind=appeal')).body.items.find((r: { id: string }) => r.id === review);
    expect(senior).toMatchObject({ kind: 'appeal', note: reason });
    const decided = await mark(seniorA, review, { ...scores(6.5, 5, 5, 5), feedback: 'Task fulfilment was under-marked.' });
    expect(decided.status).toBe(200);
    const after = await eventually(
      async () => {
        const { body } = await api(student, 'GET', `/submissions/${id}`);
        return body.marking.appeal?.status === 'changed' ? body : undefined;
      },
      { what: 'the appeal decision' },
    );
    const ended = await Promise.race([feed.ended.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
    feed.close();
    expect(ended).toBe(true);
    const types = feed.events.map((e) => e.event);
    expect(types.at(-1)).toBe('appeal_decided');
    expect(types).toEqual(expect.arrayContaining(['appeal_opened', 'review_opened', 'result_changed', 'appeal_decided']));
    expect(feed.events.find((e) => e.event === 'result_changed')!.data.result).toMatchObject({ source: 'appeal', version: 2 });
    expect(after.result).toMatchObject({ source: 'appeal', version: 2, overall: 5.5 });
    expect(after.marking).toMatchObject({ changedOnAppeal: true, appealOpenUntil: null });
    expect(after.marking.appeal).toMatchObject({ status: 'changed', resultVersion: 2, response: 'Task fulfilment was under-marked.' });
    const actions = (await platform.prisma.auditRecord.findMany({ where: { submissionId: id }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['mark.recorded', 'result.finalised', 'appeal.opened', 'mark.recorded', 'appeal.decided']);
  });

  it('when the scores the senior gives are the current ones, then the appeal is upheld and the result stays', async () => {
    const id = await singleMarked(student, graderB, 6);
    expect((await api(student, 'POST', `/submissions/${id}/appeals`, { reason: 'Please look again.' })).status).toBe(201);
    const review = await reviewOf(id, 'appeal');
    // The one who marked it cannot decide its appeal, even as a senior (here a grader: 403 first).
    expect((await mark(seniorB, review, { ...all(6), feedback: 'The mark stands.' })).status).toBe(200);
    const after = await eventually(
      async () => {
        const { body } = await api(student, 'GET', `/submissions/${id}`);
        return body.marking.appeal?.status === 'upheld' ? body : undefined;
      },
      { what: 'the appeal decision' },
    );
    expect(after.result).toMatchObject({ version: 1, source: 'human', overall: 6 });
    expect(after.marking.appeal).toMatchObject({ status: 'upheld', resultVersion: 1, response: 'The mark stands.' });
  });

  it('when the window has passed or the result is not out, then the appeal is refused (422 / 409), and the marker of a result cannot decide its appeal', async () => {
    const late = await singleMarked(student, seniorC, 6);
    // Fifteen days on: the result's time moved back, as the clock would move forward.
    await platform.prisma.gradingResult.updateMany({ where: { submissionId: late, isFinal: true }, data: { createdAt: new Date(Date.now() - 15 * 86_400_000) } });
    expect((await api(student, 'GET', `/submissions/${late}`)).body.marking.appealOpenUntil).toBeNull();
    const closed = await api(student, 'POST', `/submissions/${late}/appeals`, { reason: 'Too late?' });
    expect(closed.status).toBe(422);
    expect(closed.body.detail).toMatch(/within 14 days/);
    expect(await platform.prisma.appeal.count({ where: { submissionId: late } })).toBe(0);

    const pending = await submitted(await doubleMarkedTask('human'));
    await reviewOf(pending, 'first');
    expect((await api(student, 'POST', `/submissions/${pending}/appeals`, { reason: 'Not yet marked.' })).status).toBe(409);

    const own = await singleMarked(student, seniorC, 7);
    expect((await api(student, 'POST', `/submissions/${own}/appeals`, { reason: 'Check please.' })).status).toBe(201);
    const review = await reviewOf(own, 'appeal');
    const refused = await api(seniorC, 'POST', `/reviews/${review}/claim`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/already marked/);
  });
});

describe('the audit trail', () => {
  it('when an admin creates an account with a role, then the creation is audited with the role', async () => {
    const email = `new-senior-${Date.now()}@example.com`;
    const created = await api(admin, 'POST', '/admin/users', { email, password: 'a long enough password', name: 'New Senior', role: 'senior' });
    expect(created.status).toBe(201);
    const record = await platform.prisma.auditRecord.findFirstOrThrow({ where: { action: 'user.created', subjectId: created.body.id } });
    expect(record).toMatchObject({ actorId: admin.id, after: { role: 'senior' } });
  });

  it('when a submission with marks is deleted, then its audit records stay with who, what and when, without their contents', async () => {
    const id = await singleMarked(otherStudent, graderA, 6);
    expect(await platform.prisma.auditRecord.count({ where: { submissionId: id, after: { not: { equals: null } } } })).toBeGreaterThan(0);
    const res = await fetch(`${platform.baseUrl}/submissions/${id}`, { method: 'DELETE', headers: otherStudent.headers });
    expect(res.status).toBe(204);
    const records = await platform.prisma.auditRecord.findMany({ where: { submissionId: id }, orderBy: { id: 'asc' } });
    expect(records.map((r) => [r.action, r.redacted, r.before, r.after])).toEqual([
      ['mark.recorded', true, null, null],
      ['result.finalised', true, null, null],
      ['submission.deleted', false, null, null],
    ]);
    expect(records[0]!.actorId).toBe(graderA.id);
    expect(records[2]!.actorId).toBe(otherStudent.id);
    const listed = await api(admin, 'GET', `/admin/audit?submissionId=${id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: { action: string }) => r.action)).toEqual(['submission.deleted', 'result.finalised', 'mark.recorded']);
  });
});
