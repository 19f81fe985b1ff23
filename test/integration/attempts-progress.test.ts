// Exam attempts (skill scores once every part is graded), student progress on a known history,
// and the filtered submission listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaFor, type Skill } from '../../src/domain/scores.ts';
import type { Scorer, ScoringOutcome, SpeakingResponse, WritingResponse } from '../../src/scoring/scorer.ts';
import { OpenAITranscriber } from '../../src/speech/openai-transcriber.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { insertGraded } from '../helpers/history.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { fixture, hometownPrompt, postSpeaking, speakingForm } from '../helpers/speech.ts';
import { submitWriting } from '../helpers/submissions.ts';
import { callApi, signedIn, type TestUser } from '../helpers/users.ts';

/** Scores each task with fixed criterion scores, so skill scores land on known rounding edges. */
const byTask: Record<string, number[]> = {
  task1: [6, 6, 6.5, 6.5], // 6.25 -> 6.5
  task2: [7, 7, 7.5, 7.5], // 7.25 -> 7.5
  part1: [6, 6, 6, 6, 6],
  part2: [6.5, 6.5, 6.5, 6.5, 6.5],
  part3: [6.5, 6.5, 6.5, 6.5, 6.5],
};
function outcome(skill: Skill, task: string): ScoringOutcome {
  const criteria = Object.fromEntries(criteriaFor[skill].map((c, i) => [c, { score: byTask[task]![i]!, evidence: [], feedback: 'Fixed.' }]));
  return { criteria, feedback: 'Fixed.', confidence: 0.9, signals: { wordCount: 100, wordMinimum: 50, flags: [] }, provider: 'fixed', model: null, version: 'fixed-1' };
}
const fixedScorer: Scorer = {
  provider: 'fixed',
  scoreWriting: async (r: WritingResponse) => outcome('writing', r.task),
  scoreSpeaking: async (r: SpeakingResponse) => outcome('speaking', r.task),
};

let fake: FakeOpenAI;
let platform: TestPlatform;
let student: TestUser;
let grader: TestUser;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  platform = await startTestPlatform({ scorer: fixedScorer, transcriber: new OpenAITranscriber({ baseUrl: fake.baseUrl, model: 'whisper-1', timeoutSeconds: 2 }) });
  [student, grader] = await Promise.all([signedIn(platform, 'student'), signedIn(platform, 'grader')]);
});
afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});

const api = (user: TestUser, method: string, route: string, body?: unknown) => callApi(platform.baseUrl, user, method, route, body);
const completed = (user: TestUser, id: string) =>
  eventually(async () => ((await api(user, 'GET', `/submissions/${id}`)).body.status === 'completed' ? true : undefined), { what: 'grading' });

describe('exam attempts', () => {
  it('when all parts of a skill are graded, then the skill score is computed as VSTEP does, at its rounding edges', async () => {
    const created = await api(student, 'POST', '/attempts', { title: 'Mock exam 1' });
    expect(created.status).toBe(201);
    const attemptId = created.body.id as string;
    expect(created.body.skills.writing).toEqual({ score: null, level: null, complete: false, tasks: { task1: null, task2: null } });

    const t1 = await submitWriting(platform, { student, body: { task: 'task1', attemptId } });
    await completed(student, t1.id);
    const half = await api(student, 'GET', `/attempts/${attemptId}`);
    expect(half.body.skills.writing).toMatchObject({ score: null, complete: false, tasks: { task1: { submissionId: t1.id, overall: 6.5, status: 'completed' }, task2: null } });

    const t2 = await submitWriting(platform, { student, body: { task: 'task2', attemptId } });
    await completed(student, t2.id);
    for (const part of ['part1', 'part2', 'part3']) {
      const res = await postSpeaking(platform, student, speakingForm({ fields: { skill: 'speaking', task: part, prompt: hometownPrompt, attemptId }, audio: { bytes: fixture('speech.mp3'), filename: 'a.mp3' } }));
      expect(res.status).toBe(202);
      await completed(student, ((await res.json()) as { id: string }).id);
    }

    const full = await api(student, 'GET', `/attempts/${attemptId}`);
    expect(full.status).toBe(200);
    // Writing: (6.5 + 2 x 7.5) / 3 = 7.17 -> 7.0. Speaking: (6 + 6.5 + 6.5) / 3 = 6.33 -> 6.5.
    expect(full.body.skills.writing).toMatchObject({ score: 7, level: 'B2', complete: true, tasks: { task1: { overall: 6.5 }, task2: { overall: 7.5 } } });
    expect(full.body.skills.speaking).toMatchObject({ score: 6.5, level: 'B2', complete: true });
    expect(full.body.title).toBe('Mock exam 1');

    // One answer per task and attempt; nothing is stored for the refused one.
    const before = await platform.prisma.submission.count({ where: { attemptId } });
    const dup = await fetch(`${platform.baseUrl}/submissions`, { method: 'POST', headers: student.headers, body: JSON.stringify({ skill: 'writing', task: 'task1', prompt: 'x', text: 'Another try.', attemptId }) });
    expect(dup.status).toBe(409);
    const dupSpeaking = await postSpeaking(platform, student, speakingForm({ fields: { skill: 'speaking', task: 'part1', prompt: hometownPrompt, attemptId }, audio: { bytes: fixture('speech.mp3'), filename: 'a.mp3' } }));
    expect(dupSpeaking.status).toBe(409);
    expect(await platform.prisma.submission.count({ where: { attemptId } })).toBe(before);

    // Visibility: the owner and staff see it; another student does not.
    const other = await signedIn(platform, 'student');
    expect((await api(other, 'GET', `/attempts/${attemptId}`)).status).toBe(404);
    expect((await api(grader, 'GET', `/attempts/${attemptId}`)).status).toBe(200);
    const mine = await api(student, 'GET', '/attempts');
    expect(mine.body.items.map((a: { id: string }) => a.id)).toContain(attemptId);
  });

  it('when a submission names an attempt that is not the student\'s, then it is refused with 422 and nothing is stored', async () => {
    const owner = await signedIn(platform, 'student');
    const theirs = (await api(owner, 'POST', '/attempts', {})).body.id as string;
    const intruder = await signedIn(platform, 'student');
    const res = await fetch(`${platform.baseUrl}/submissions`, { method: 'POST', headers: intruder.headers, body: JSON.stringify({ skill: 'writing', task: 'task1', prompt: 'p', text: 'Some words here.', attemptId: theirs }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('attemptId');
    expect(await platform.prisma.submission.count({ where: { studentId: intruder.id } })).toBe(0);
  });
});

describe('student progress on a known history', () => {
  let learner: TestUser;
  const day = (n: number) => new Date(Date.UTC(2026, 0, n));

  beforeAll(async () => {
    learner = await signedIn(platform, 'student');
    const writing = [[4, 5, 5, 6], [5, 5.5, 5.5, 6], [5.5, 6, 6, 6.5], [6, 6.5, 6.5, 7]]; // overall 5, 5.5, 6, 6.5
    for (const [i, scores] of writing.entries()) await insertGraded(platform.prisma, { studentId: learner.id, skill: 'writing', task: i % 2 ? 'task2' : 'task1', scores, gradedAt: day(i + 1) });
    await insertGraded(platform.prisma, { studentId: learner.id, skill: 'speaking', task: 'part1', scores: [7, 7, 7, 7, 7], gradedAt: day(10) });
    await insertGraded(platform.prisma, { studentId: learner.id, skill: 'speaking', task: 'part2', scores: [6, 6, 6, 6, 6], gradedAt: day(11) });
  });

  it('when the student reads their progress, then counts, latest, best, average, trend and weakest criteria are exact', async () => {
    const { status, body } = await api(learner, 'GET', '/progress');
    expect(status).toBe(200);
    const w = body.skills.writing;
    expect(w).toMatchObject({ graded: 4, average: 5.75, levelReached: 'B2', latest: { overall: 6.5, level: 'B2' }, best: { overall: 6.5 } });
    expect(w.trend).toMatchObject({ direction: 'improving', slope: 0.5 });
    expect(w.trend.points.map((p: { overall: number }) => p.overall)).toEqual([5, 5.5, 6, 6.5]);
    expect(w.criteria).toEqual([
      { criterion: 'taskFulfilment', average: 5.13, count: 4 },
      { criterion: 'organisation', average: 5.75, count: 4 },
      { criterion: 'vocabulary', average: 5.75, count: 4 },
      { criterion: 'grammar', average: 6.38, count: 4 },
    ]);
    const s = body.skills.speaking;
    expect(s).toMatchObject({ graded: 2, average: 6.5, levelReached: 'B2', latest: { overall: 6 }, best: { overall: 7 } });
    expect(s.trend.direction).toBe('not_enough_data');
  });

  it('when graded submissions are deleted while the progress is read, then every read answers 200 with a consistent view', async () => {
    const deleter = await signedIn(platform, 'student');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push((await insertGraded(platform.prisma, { studentId: deleter.id, skill: 'writing', task: 'task1', scores: [5, 5, 5, 5], gradedAt: day(i + 1) })).id);
    }
    const reads: Array<{ status: number; graded?: number }> = [];
    let deleting = true;
    const reader = (async () => {
      // Bounded: at most 400 reads, and none after the last delete.
      for (let i = 0; i < 400 && deleting; i++) {
        const { status, body } = await api(deleter, 'GET', '/progress');
        reads.push({ status, graded: body?.skills?.writing?.graded });
      }
    })();
    for (const id of ids) expect((await api(deleter, 'DELETE', `/submissions/${id}`)).status).toBe(204);
    deleting = false;
    await reader;
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((r) => r.status !== 200)).toEqual([]);
    expect(reads.every((r) => r.graded !== undefined && r.graded >= 0 && r.graded <= 40)).toBe(true);
    expect((await api(deleter, 'GET', '/progress')).body.skills.writing.graded).toBe(0);
  });

  it('when staff read a student\'s progress, then they name the student; students cannot read anyone else\'s', async () => {
    expect((await api(grader, 'GET', `/progress?studentId=${learner.id}`)).body.skills.writing.graded).toBe(4);
    expect((await api(grader, 'GET', '/progress')).status).toBe(400);
    expect((await api(grader, 'GET', `/progress?studentId=${grader.id}`)).status).toBe(404);
    expect((await api(student, 'GET', `/progress?studentId=${learner.id}`)).status).toBe(403);
  });

  it('when the listing is filtered, then only matching submissions come back, page by page', async () => {
    const get = (q: string) => api(learner, 'GET', `/submissions?${q}`);
    expect((await get('skill=speaking')).body.items).toHaveLength(2);
    expect((await get('skill=writing&task=task2')).body.items).toHaveLength(2);
    expect((await get('status=review_pending')).body.items).toHaveLength(0);
    const window = await get(`from=${day(2).toISOString()}&to=${day(4).toISOString()}`);
    expect(window.body.items.map((s: { createdAt: string }) => s.createdAt)).toEqual([day(3).toISOString(), day(2).toISOString()]);
    const first = await get('skill=writing&limit=3');
    expect(first.body.items).toHaveLength(3);
    const rest = await get(`skill=writing&limit=3&cursor=${first.body.nextCursor}`);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    expect((await get('from=yesterday')).status).toBe(400);
    expect((await get(`from=${day(4).toISOString()}&to=${day(2).toISOString()}`)).status).toBe(400);
    expect((await get('skill=reading')).status).toBe(400);
  });
});
