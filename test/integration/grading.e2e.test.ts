// A writing submission goes through the real API, a real Temporal server and a real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../../src/submissions/submission.repository.ts';
import { createGradingStarter } from '../../src/grading/starter.ts';
import { writingModel } from '../../src/scoring/offline-writing-model.ts';
import { essayPrompt, holidayLetter, holidayPrompt, onlineLearningEssay } from '../../src/testing/essays.ts';
import { eventually, startTestPlatform, testLogger, type TestPlatform } from '../helpers/platform.ts';
import { signedIn, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let student: TestUser;

beforeAll(async () => {
  platform = await startTestPlatform();
  student = await signedIn(platform, 'student');
});
afterAll(() => platform?.stop());

const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${platform.baseUrl}/submissions`, {
    method: 'POST',
    headers: { authorization: student.headers.authorization!, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const getJson = async (path: string) => {
  const res = await fetch(`${platform.baseUrl}${path}`, { headers: { authorization: student.headers.authorization! } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('grading a writing submission end to end', () => {
  it('when a student POSTs an essay, then it is accepted, graded and completed with a stored result', async () => {
    const res = await post({ skill: 'writing', task: 'task2', prompt: essayPrompt, text: onlineLearningEssay });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as Record<string, any>;
    expect(res.headers.get('location')).toBe(`/submissions/${accepted.id}`);
    expect(accepted).toMatchObject({ skill: 'writing', task: 'task2', mode: 'auto', result: null, slaBreached: false });
    expect(['pending', 'processing', 'completed']).toContain(accepted.status);
    expect(accepted.workflowId).toBe(`grade-${accepted.id}`);
    expect(new Date(accepted.deadlineAt).getTime() - new Date(accepted.createdAt).getTime()).toBe(1200 * 1000);

    const done = await eventually(
      async () => {
        const { body } = await getJson(`/submissions/${accepted.id}`);
        return body.status === 'completed' ? body : undefined;
      },
      { what: 'the submission to complete' },
    );
    const result = done.result;
    expect(Object.keys(result.criteria).sort()).toEqual(['grammar', 'organisation', 'taskFulfilment', 'vocabulary']);
    const scores = Object.values(result.criteria).map((c: any) => c.score as number);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(result.overall).toBe(Math.floor(mean * 2 + 0.5) / 2);
    expect(result.level).toBe(result.overall < 4 ? null : result.overall <= 5.5 ? 'B1' : result.overall <= 8 ? 'B2' : 'C1');
    expect(result).toMatchObject({ source: 'ai', provider: 'offline-baseline', scorerVersion: writingModel().version });

    const events = await listEvents(platform.prisma, accepted.id);
    expect(events.map((e) => e.toStatus)).toEqual(['pending', 'processing', 'completed']);
    expect(events[0]!.type).toBe('created');

    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id: accepted.id } })).studentId).toBe(student.id);
    const stored = await platform.prisma.gradingResult.findMany({ where: { submissionId: accepted.id }, include: { criteria: true } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.criteria).toHaveLength(4);

    const history = await platform.temporal.workflow.getHandle(accepted.workflowId).result();
    expect(history).toEqual({ submissionId: accepted.id, status: 'completed', overall: result.overall, source: 'ai' });
  });

  it('when grading is started again for a completed submission, then it is refused and nothing is graded twice', async () => {
    const res = await post({ skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter });
    const { id, workflowId } = (await res.json()) as { id: string; workflowId: string };
    const handle = platform.temporal.workflow.getHandle(workflowId);
    await handle.result();
    const firstRun = (await handle.describe()).runId;

    const starter = createGradingStarter({ ...platform, logger: testLogger });
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(await starter.start(row)).toBe(false);

    expect((await platform.temporal.workflow.getHandle(workflowId).describe()).runId).toBe(firstRun);
    expect(await platform.prisma.gradingResult.count({ where: { submissionId: id } })).toBe(1);
  });
});

describe('bad input is refused with problem+json and stores nothing', () => {
  const valid = { skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter };

  it.each([
    ['a missing text', { ...valid, text: undefined }, 422, 'text'],
    ['an empty text', { ...valid, text: '   ' }, 422, 'text'],
    ['an unknown task', { ...valid, task: 'task3' }, 422, 'task'],
    ['a speaking task as JSON', { ...valid, skill: 'speaking' }, 422, 'skill'],
    ['an unknown field', { ...valid, score: 10 }, 422, ''],
    ['an essay over the size limit', { ...valid, text: 'word '.repeat(4001) }, 422, 'text'],
    ['an unknown grading mode', { ...valid, mode: 'robot' }, 422, 'mode'],
    ['a non-UUID attempt id', { ...valid, attemptId: 'abc' }, 422, 'attemptId'],
  ])('when the body has %s, then the answer is %i naming the field', async (_case, body, status, field) => {
    const before = await platform.prisma.submission.count();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { status: number; title: string; errors: { field: string }[] };
    expect(problem.status).toBe(status);
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect(await platform.prisma.submission.count()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"skill": "writing",', { 'content-type': 'application/json' }, 400],
    ['a form-encoded body', 'skill=writing', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['no content type', JSON.stringify(valid), {}, 415],
    ['a body over the JSON limit', JSON.stringify({ ...valid, text: 'x'.repeat(300_000) }), { 'content-type': 'application/json' }, 413],
  ])('when the request carries %s, then the answer is %i', async (_case, body, headers, status) => {
    const before = await platform.prisma.submission.count();
    const res = await post(body, headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { detail: string; status: number };
    expect(problem.status).toBe(status);
    expect(problem.detail).not.toMatch(/at .*\.ts:\d+/);
    expect(await platform.prisma.submission.count()).toBe(before);
  });

  it('when the id is not a UUID, then GET answers 400; when it is unknown, 404', async () => {
    expect((await getJson('/submissions/not-a-uuid')).status).toBe(400);
    const missing = await getJson('/submissions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ title: 'Not Found', status: 404 });
  });

  it('when a route does not exist, then the answer is a 404 problem', async () => {
    const res = await fetch(`${platform.baseUrl}/nope`, { headers: student.headers });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
