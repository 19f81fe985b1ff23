// Rater agreement through the API on the real PostgreSQL: marks, drafts and results written
// directly, the figures read back from GET /admin/graders/agreement and checked against values
// worked out by hand, its filters and roles, and the platform-wide gauges on /metrics.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelFor } from '../../src/domain/scores.ts';
import type { Skill, Task } from '../../src/domain/scores.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { callApi, createUser, signedIn, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let admin: TestUser;
let senior: TestUser;
let grader: TestUser;
let student: TestUser;
const ids = { g1: '', g2: '', adjudicator: '' };

// This file's submissions are made on one day of the past no other test uses, so a period filter
// sees only them (other test files share the database).
const day = new Date(Date.UTC(1995, 0, 1) + Math.floor(Math.random() * 5000) * 86_400_000);
const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000);
const period = `from=${day.toISOString()}&to=${at(24 * 60).toISOString()}`;

type Scores = Record<string, number>;
interface Seeded {
  skill: Skill;
  task: Task;
  createdAt: Date;
  marks: Array<{ kind: 'first' | 'second' | 'adjudication' | 'appeal'; grader: keyof typeof ids; overall: number }>;
  draft?: { overall: number; criteria: Scores };
  final?: { source: 'human' | 'double_marked' | 'adjudicated'; overall: number; criteria: Scores };
}

const writing = (score: number): Scores => ({ taskFulfilment: score, organisation: score, vocabulary: score, grammar: score });
const speaking = (score: number): Scores => ({ grammar: score, vocabulary: score, pronunciation: score, fluency: score, discourseManagement: score });

async function seed(s: Seeded): Promise<string> {
  const { prisma } = platform;
  const submission = await prisma.submission.create({
    data: {
      studentId: student.id,
      skill: s.skill,
      task: s.task,
      mode: 'hybrid',
      status: s.final ? 'completed' : 'review_pending',
      prompt: 'Write about your hometown.',
      ...(s.skill === 'writing' ? { text: 'An essay.' } : { audioKey: `agreement/${randomUUID()}.wav`, audioFormat: 'wav' }),
      workflowId: `agreement-${randomUUID()}`,
      workflowStartedAt: s.createdAt,
      deadlineAt: new Date(s.createdAt.getTime() + 86_400_000),
      doubleMarked: s.marks.some((m) => m.kind === 'second'),
      createdAt: s.createdAt,
    },
  });
  const result = (version: number, source: string, isFinal: boolean, r: { overall: number; criteria: Scores }) =>
    prisma.gradingResult.create({
      data: {
        submissionId: submission.id,
        version,
        source: source as 'ai',
        isFinal,
        overall: r.overall,
        level: levelFor(r.overall),
        feedback: 'Feedback.',
        provider: source === 'ai' ? 'offline' : 'human',
        scorerVersion: 'test',
        criteria: { create: Object.entries(r.criteria).map(([criterion, score]) => ({ criterion, score, evidence: [] })) },
      },
    });
  if (s.draft) await result(0, 'ai', false, s.draft);
  if (s.final) await result(1, s.final.source, true, s.final);
  for (const m of s.marks) {
    const review = await prisma.reviewTask.create({
      data: { submissionId: submission.id, kind: m.kind, priority: 'low', status: 'completed', reasons: [], dueAt: s.createdAt, completedAt: s.createdAt, claimedById: ids[m.grader] },
    });
    await prisma.mark.create({
      data: { submissionId: submission.id, reviewId: review.id, kind: m.kind, graderId: ids[m.grader], overall: m.overall, level: levelFor(m.overall), feedback: 'Marked.', criteria: {} },
    });
  }
  return submission.id;
}

beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
  [admin, senior, grader, student] = await Promise.all([signedIn(platform, 'admin'), signedIn(platform, 'senior'), signedIn(platform, 'grader'), signedIn(platform, 'student')]);
  const [g1, g2, adjudicator] = await Promise.all([createUser(platform, 'grader'), createUser(platform, 'grader'), createUser(platform, 'senior')]);
  Object.assign(ids, { g1: g1.id, g2: g2.id, adjudicator: adjudicator.id });
  // w1: double-marked, agreeing, (6 + 6.5) / 2 -> 6.5.
  await seed({
    skill: 'writing',
    task: 'task2',
    createdAt: at(1),
    marks: [{ kind: 'first', grader: 'g1', overall: 6 }, { kind: 'second', grader: 'g2', overall: 6.5 }],
    draft: { overall: 6, criteria: writing(6) },
    final: { source: 'double_marked', overall: 6.5, criteria: { taskFulfilment: 7, organisation: 6, vocabulary: 6.5, grammar: 6.5 } },
  });
  // w2: 2 points apart, adjudicated at 6.
  await seed({
    skill: 'writing',
    task: 'task2',
    createdAt: at(2),
    marks: [{ kind: 'first', grader: 'g1', overall: 5 }, { kind: 'second', grader: 'g2', overall: 7 }, { kind: 'adjudication', grader: 'adjudicator', overall: 6 }],
    draft: { overall: 5, criteria: writing(5) },
    final: { source: 'adjudicated', overall: 6, criteria: writing(6) },
  });
  // w3: one mark, the result.
  await seed({ skill: 'writing', task: 'task1', createdAt: at(3), marks: [{ kind: 'first', grader: 'g2', overall: 4 }], draft: { overall: 5, criteria: writing(5) }, final: { source: 'human', overall: 4, criteria: writing(4) } });
  // p1: speaking, double-marked, the same score twice.
  await seed({
    skill: 'speaking',
    task: 'part1',
    createdAt: at(4),
    marks: [{ kind: 'first', grader: 'g2', overall: 5 }, { kind: 'second', grader: 'g1', overall: 5 }],
    draft: { overall: 6, criteria: speaking(6) },
    final: { source: 'double_marked', overall: 5, criteria: speaking(5) },
  });
  // w0: the day before, outside the period.
  await seed({ skill: 'writing', task: 'task2', createdAt: at(-60), marks: [{ kind: 'first', grader: 'g1', overall: 9 }], draft: { overall: 3, criteria: writing(3) }, final: { source: 'human', overall: 9, criteria: writing(9) } });
});
afterAll(async () => {
  await platform?.stop();
});

const agreementOf = async (query: string, user: TestUser = admin) => {
  const res = await callApi(platform.baseUrl, user, 'GET', `/admin/graders/agreement?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('rater agreement', () => {
  it('when an admin asks for a period, then each grader, the two marks and the AI draft agree as worked out by hand', async () => {
    const body = await agreementOf(period);
    expect(body.filter).toEqual({ from: day.toISOString(), to: at(24 * 60).toISOString(), skill: null, task: null });
    const g = await platform.prisma.user.findMany({ where: { id: { in: Object.values(ids) } }, select: { id: true, name: true, email: true } });
    const who = (id: string) => g.find((u) => u.id === id)!;
    expect(body.graders).toEqual([
      // g2: w1 6.5-6.5, w2 7-6, w3 4-4, p1 5-5: mean 1/4; pairs w1, w2, p1, one adjudicated.
      { ...who(ids.g2), marks: 4, adjudications: 0, appeals: 0, compared: 4, meanDifference: 0.25, meanAbsoluteDifference: 0.25, doubleMarked: 3, adjudicatedShare: 0.333 },
      // g1: w1 6-6.5, w2 5-6, p1 5-5: -1.5/3; absolute 1.5/3.
      { ...who(ids.g1), marks: 3, adjudications: 0, appeals: 0, compared: 3, meanDifference: -0.5, meanAbsoluteDifference: 0.5, doubleMarked: 3, adjudicatedShare: 0.333 },
      { ...who(ids.adjudicator), marks: 1, adjudications: 1, appeals: 0, compared: 0, meanDifference: null, meanAbsoluteDifference: null, doubleMarked: 0, adjudicatedShare: null },
    ]);
    // Pairs (first, second): w1 (6, 6.5), w2 (5, 7), p1 (5, 5); categories (12, 13), (10, 14), (10, 10).
    // Observed 1 + 16 + 0 = 17. Expected: i=12: 1+4+4 = 9; i=10: 9+16+0 = 25, twice; 59/3.
    // QWK = 1 - 17 / (59/3) = 8/59 = 0.136.
    expect(body.humanHuman).toEqual({ n: 3, qwk: 0.136, exactAgreement: 0.333, withinHalfPoint: 0.667, adjudicatedShare: 0.333 });
    // (final, AI): w1 (6.5, 6), w2 (6, 5), w3 (4, 5), p1 (5, 6); categories (13, 12), (12, 10),
    // (8, 10), (10, 12). Observed 1 + 4 + 4 + 4 = 13. Expected: i=13: 1+9+9+1 = 20; i=12: 0+4+4+0 = 8;
    // i=8: 16+4+4+16 = 40; i=10: 4+0+0+4 = 8; 76/4 = 19. QWK = 1 - 13/19 = 6/19 = 0.316.
    // Bias (AI - final): -0.5 - 1 + 1 + 1 = 0.5, / 4 = 0.125. Per criterion: taskFulfilment
    // w1 -1, w2 -1, w3 +1 -> -1/3; organisation 0, -1, +1 -> 0; vocabulary and grammar -0.5, -1,
    // +1 and p1 +1 -> 0.5/4; the speaking-only criteria p1's +1.
    expect(body.humanAi).toEqual({
      n: 4,
      qwk: 0.316,
      meanBias: 0.125,
      criteria: {
        taskFulfilment: { n: 3, meanBias: -0.333 },
        organisation: { n: 3, meanBias: 0 },
        vocabulary: { n: 4, meanBias: 0.125 },
        grammar: { n: 4, meanBias: 0.125 },
        pronunciation: { n: 1, meanBias: 1 },
        fluency: { n: 1, meanBias: 1 },
        discourseManagement: { n: 1, meanBias: 1 },
      },
    });
  });

  it('when filtered by skill, task or a wider period, then only those submissions count', async () => {
    // Writing: pairs w1, w2: first (12, 10), second (13, 14); observed 17; expected (5 + 25) / 2 = 15:
    // QWK = 1 - 17/15 = -0.133. AI: (6.5, 6), (6, 5), (4, 5): observed 9; expected (19 + 8 + 24) / 3 = 17:
    // 8/17 = 0.471; bias -0.5/3.
    const writing = await agreementOf(`${period}&skill=writing`);
    expect(writing.humanHuman).toEqual({ n: 2, qwk: -0.133, exactAgreement: 0, withinHalfPoint: 0.5, adjudicatedShare: 0.5 });
    expect(writing.humanAi).toMatchObject({ n: 3, qwk: 0.471, meanBias: -0.167 });
    expect(Object.keys(writing.humanAi.criteria)).toEqual(['taskFulfilment', 'organisation', 'vocabulary', 'grammar']);
    expect(writing.graders.map((g: { id: string; marks: number; meanDifference: number }) => [g.id, g.marks, g.meanDifference])).toEqual([
      [ids.g2, 3, 0.333],
      [ids.g1, 2, -0.75],
      [ids.adjudicator, 1, null],
    ]);
    const part1 = await agreementOf(`${period}&task=part1`);
    expect(part1.humanHuman).toMatchObject({ n: 1, qwk: null, exactAgreement: 1 });
    expect(part1.graders.map((g: { id: string }) => g.id).sort()).toEqual([ids.g1, ids.g2].sort());
    // A period from the day before takes in w0 too: g1 marked it 9, the result.
    const wider = await agreementOf(`from=${at(-24 * 60).toISOString()}&to=${at(24 * 60).toISOString()}`);
    expect(wider.graders.find((g: { id: string }) => g.id === ids.g1)).toMatchObject({ marks: 4, compared: 4, meanDifference: -0.375 });
    expect(wider.humanAi.n).toBe(5);
    // With no filter at all these graders' figures are still only theirs.
    const all = await agreementOf('');
    expect(all.graders.find((g: { id: string }) => g.id === ids.g1)).toMatchObject({ marks: 4 });
    expect(all.filter).toEqual({ from: null, to: null, skill: null, task: null });
  });

  it('when a senior asks, then it answers; a grader or a student is refused; a bad period is 400', async () => {
    expect((await agreementOf(period, senior)).humanHuman.n).toBe(3);
    for (const user of [grader, student]) expect((await callApi(platform.baseUrl, user, 'GET', `/admin/graders/agreement?${period}`)).status).toBe(403);
    expect((await fetch(`${platform.baseUrl}/admin/graders/agreement`)).status).toBe(401);
    const backwards = await callApi(platform.baseUrl, admin, 'GET', `/admin/graders/agreement?from=${at(10).toISOString()}&to=${at(5).toISOString()}`);
    expect(backwards.status).toBe(400);
    expect((await callApi(platform.baseUrl, admin, 'GET', '/admin/graders/agreement?skill=reading')).status).toBe(400);
  });

  it('when double-marked submissions were made this month, then /metrics shows the kappas and the adjudicated share', async () => {
    // Recent ones of this file (other files add theirs, so only the range is certain).
    const now = new Date();
    await seed({
      skill: 'writing',
      task: 'task2',
      createdAt: now,
      marks: [{ kind: 'first', grader: 'g1', overall: 6 }, { kind: 'second', grader: 'g2', overall: 6.5 }],
      draft: { overall: 6, criteria: writing(6) },
      final: { source: 'double_marked', overall: 6.5, criteria: writing(6.5) },
    });
    await seed({
      skill: 'writing',
      task: 'task2',
      createdAt: now,
      marks: [{ kind: 'first', grader: 'g2', overall: 4 }, { kind: 'second', grader: 'g1', overall: 4.5 }],
      draft: { overall: 5, criteria: writing(5) },
      final: { source: 'double_marked', overall: 4.5, criteria: writing(4.5) },
    });
    const text = await (await fetch(`${platform.baseUrl}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    for (const pair of ['human_human', 'human_ai']) {
      const qwk = value(`vstep_rater_agreement_qwk{pair="${pair}"}`);
      expect(qwk, pair).toBeGreaterThanOrEqual(-1);
      expect(qwk, pair).toBeLessThanOrEqual(1);
    }
    const share = value('vstep_rater_adjudicated_share');
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(1);
    expect(text).toMatch(/^# HELP vstep_rater_agreement_qwk /m);
  });
});
