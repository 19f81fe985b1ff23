// Grading with the LLM scorer through the real workflow: provider failures meet Temporal retries.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LlmScorer } from '../../src/scoring/llm-scorer.ts';
import { holidayLetter, holidayPrompt } from '../helpers/essays.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { signedIn } from '../helpers/users.ts';

let fake: FakeOpenAI;
let platform: TestPlatform;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  platform = await startTestPlatform({
    scorer: new LlmScorer({ baseUrl: fake.baseUrl, model: 'test-model', timeoutSeconds: 2 }),
    env: { GRADING_MAX_RETRIES: '3' },
  });
});
afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});
afterEach(() => {
  fake.requests.length = 0;
});

async function grade(): Promise<{ id: string; outcome: unknown }> {
  const student = await signedIn(platform, 'student');
  const res = await fetch(`${platform.baseUrl}/submissions`, {
    method: 'POST',
    headers: student.headers,
    body: JSON.stringify({ skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter }),
  });
  const { id, workflowId } = (await res.json()) as { id: string; workflowId: string };
  return { id, outcome: await platform.temporal.workflow.getHandle(workflowId).result() };
}

describe('grading with an OpenAI-compatible provider', () => {
  it('when the provider fails with 500 once, then the retry grades it and the result names the provider and model', async () => {
    fake.script({ kind: 'status', status: 500 }, { kind: 'assessment', scores: { grammar: 7, organisation: 7, vocabulary: 6.5, taskFulfilment: 6.5 } });
    const { id, outcome } = await grade();
    expect(outcome).toMatchObject({ status: 'completed', overall: 7 });
    expect(fake.requests).toHaveLength(2);
    const result = await platform.prisma.gradingResult.findFirstOrThrow({ where: { submissionId: id } });
    expect(result).toMatchObject({ provider: 'openai', model: 'test-model', scorerVersion: 'vstep-writing-rubric-1+writing-prompt-1' });
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
});
