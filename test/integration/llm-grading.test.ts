// Grading with the LLM scorer through the real workflow: provider failures meet Temporal retries.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probabilityWithin } from '../../src/domain/uncertainty.ts';
import { offlineOpinionOf, scoreWithBaseline } from '../../src/scoring/baseline-scorer.ts';
import { LlmScorer } from '../../src/scoring/llm-scorer.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { submitWriting } from '../helpers/submissions.ts';
import { signedIn } from '../helpers/users.ts';

let fake: FakeOpenAI;
let platform: TestPlatform;

// The offline scorer's view of the letter: an LLM scoring of it is bounded by their agreement.
const letter = { task: 'task1' as const, prompt: holidayPrompt, text: holidayLetter };
const offline = offlineOpinionOf(letter)!;
const offlineWithin1 = probabilityWithin(offline.uncertainty!, 1);
// Just under it: an LLM that agrees exactly may be final; boundary margin 0 keeps the level rule out of it.
const acceptProbability = Math.floor((offlineWithin1 - 0.01) * 1000) / 1000;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  platform = await startTestPlatform({
    scorer: new LlmScorer({ baseUrl: fake.baseUrl, model: 'test-model', timeoutSeconds: 2 }),
    env: { GRADING_MAX_RETRIES: '3', GRADING_AUTO_ACCEPT_PROBABILITY: String(acceptProbability), GRADING_BOUNDARY_MARGIN: '0' },
  });
});
afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});
afterEach(() => {
  fake.requests.length = 0;
});

async function grade(mode?: 'hybrid'): Promise<{ id: string; outcome: unknown }> {
  const { id, workflowId } = await submitWriting(platform, mode ? { body: { mode } } : {});
  return { id, outcome: await platform.temporal.workflow.getHandle(workflowId).result() };
}

describe('grading with an OpenAI-compatible provider', () => {
  it('when the provider fails with 500 once, then the retry grades it and the result names the provider and model', async () => {
    fake.script({ kind: 'status', status: 500 }, { kind: 'assessment', scores: { grammar: 7, organisation: 7, vocabulary: 6.5, taskFulfilment: 6.5 } });
    const { id, outcome } = await grade();
    expect(outcome).toMatchObject({ status: 'completed', overall: 7 });
    expect(fake.requests).toHaveLength(2);
    const result = await platform.prisma.gradingResult.findFirstOrThrow({ where: { submissionId: id } });
    expect(result).toMatchObject({ provider: 'openai', model: 'test-model', scorerVersion: 'vstep-writing-rubric-1+writing-prompt-3' });
  });

  it('when the provider answers 429 with Retry-After: 1, then the next attempt waits for it, not for the shorter backoff', async () => {
    fake.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'assessment' });
    const { outcome } = await grade();
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('when the provider rejects the request (401), then grading fails at once with a readable reason', async () => {
    fake.script({ kind: 'status', status: 401 });
    const { id, outcome } = await grade();
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(fake.requests).toHaveLength(1);
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(row.failureReason).toMatch(/provider rejected the request \(401\)/);
  });

  it('when the model keeps answering malformed output, then attempts stop at 1 + GRADING_MAX_RETRIES', async () => {
    fake.script({ kind: 'content', content: 'not json' });
    const { outcome } = await grade();
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(fake.requests).toHaveLength(4);
  });

  it('when the model answers past its token limit, then the answer is malformed and retried, and every request carried the limit', async () => {
    fake.script({ kind: 'truncated', content: '{"criteria": {"taskFulfilment": {"score": 6, "evidence": [], "feedback": "aaaa' }, { kind: 'assessment' });
    const { outcome } = await grade();
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) expect(request.body.max_tokens).toBeGreaterThan(500);
  });

  it('when the LLM agrees with the offline scorer in hybrid mode, then its calibrated probability is the offline one and it is final at that accept probability', async () => {
    const criteria = Object.fromEntries(Object.entries(scoreWithBaseline(letter).criteria).map(([c, a]) => [c, a.score]));
    fake.script({ kind: 'assessment', scores: criteria });
    const { id, outcome } = await grade('hybrid');
    expect(outcome).toMatchObject({ status: 'completed', source: 'ai', overall: offline.overall });
    const result = await platform.prisma.gradingResult.findFirstOrThrow({ where: { submissionId: id } });
    expect(result.confidence).toBeCloseTo(offlineWithin1, 6);
    expect(result).toMatchObject({ promptTokens: 812, completionTokens: 256 });
    expect(result.uncertainty).toMatchObject({ calibration: expect.stringContaining('bound by agreement, δ 0') });
  });

  it('when the LLM and the offline scorer are further apart than ±1.0 in hybrid mode, then nothing bounds its error and the essay goes to review as low confidence', async () => {
    const far = offline.overall >= 5 ? offline.overall - 3 : offline.overall + 3;
    fake.script({ kind: 'assessment', scores: { taskFulfilment: far, organisation: far, vocabulary: far, grammar: far } });
    const disagreeing = await submitWriting(platform, { body: { mode: 'hybrid' } });
    const review = await eventually(() => platform.prisma.reviewTask.findFirst({ where: { submissionId: disagreeing.id } }).then((r) => r ?? undefined), { what: 'the review task' });
    expect(review.reasons).toContain('low_confidence');
    const draft = await platform.prisma.gradingResult.findFirstOrThrow({ where: { submissionId: disagreeing.id } });
    expect(draft.confidence).toBe(0);
  });
});

describe('provider rate limits', () => {
  // The queue-wide limit (SCORING_REQUESTS_PER_MINUTE) is enforced by the Temporal server, which
  // lets a brand-new queue burst for its first minute; the worker-level limit is enforced locally
  // and is what a short test can observe.
  it('when a worker may send 60 requests per minute, then concurrent gradings reach the provider spaced out, from the scoring queue', async () => {
    const limited = await startTestPlatform({
      scorer: new LlmScorer({ baseUrl: fake.baseUrl, model: 'test-model', timeoutSeconds: 2 }),
      env: { SCORING_WORKER_REQUESTS_PER_MINUTE: '60' },
    });
    try {
      fake.script({ kind: 'assessment' });
      fake.requests.length = 0;
      const student = await signedIn(limited, 'student');
      const started = await Promise.all([1, 2, 3].map(async () => (await submitWriting(limited, { student })).workflowId));
      await Promise.all(started.map((id) => limited.temporal.workflow.getHandle(id).result()));
      const times = fake.requests.map((r) => r.at).sort((a, b) => a - b);
      expect(times).toHaveLength(3);
      // Unthrottled, the three arrive within a few milliseconds of each other.
      expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(1000);

      const history = await limited.temporal.workflow.getHandle(started[0]!).fetchHistory();
      const queues = history.events!
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'scoreSubmission')
        .map((e) => e.activityTaskScheduledEventAttributes!.taskQueue!.name);
      expect(queues).toEqual([limited.config.temporal.scoringTaskQueue]);
    } finally {
      await limited.stop();
    }
  });
});
