// The LLM path against a real OpenAI-compatible server with a real model: llama.cpp's
// llama-server serving SmolLM2-135M-Instruct (test/helpers/llama-server.ts), through the real
// `openai` client and the real workflow. A 135M model is not a grader: what is checked is the
// plumbing (schema-constrained output that validates, the bounded answer, provider, model and
// token counts stored), not its scores. `bash scripts/setup.sh` installs the server; without it
// this file fails under CI and says what to run elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidScore, writingCriteria } from '../../src/domain/scores.ts';
import { LlmScorer, maxAnswerTokens, writingOutputJsonSchema } from '../../src/scoring/llm-scorer.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { locateLlamaServer, smolModelName, startLlamaServer, type LlamaServer } from '../helpers/llama-server.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { submitWriting } from '../helpers/submissions.ts';

const location = locateLlamaServer();
const available = !('missing' in location);
if (!available && process.env.CI) throw new Error(`The real-model test needs ${location.missing}`);

describe.runIf(available)('grading through a real local model server (llama.cpp, SmolLM2-135M-Instruct)', () => {
  let llama: LlamaServer;
  let platform: TestPlatform;
  let scorer: LlmScorer;

  beforeAll(async () => {
    if ('missing' in location) return;
    llama = await startLlamaServer(location);
    // A slow local server: the call may take most of a minute on a loaded 2-core machine.
    scorer = new LlmScorer({ baseUrl: llama.baseUrl, model: llama.model, timeoutSeconds: 120 });
    platform = await startTestPlatform({ scorer, env: { GRADING_ACTIVITY_TIMEOUT_SECONDS: '150', GRADING_MAX_RETRIES: '2' } });
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await llama?.stop();
  });

  it('when an essay is graded end to end, then the stored result names the provider, the served model and the tokens the model spent', async () => {
    const { id } = await submitWriting(platform, { body: { task: 'task1', prompt: holidayPrompt, text: holidayLetter } });
    // Auto mode: final unless the model itself suspects the text of steering it (then a draft awaits review).
    const result = await eventually(() => platform.prisma.gradingResult.findFirst({ where: { submissionId: id }, include: { criteria: true } }).then((r) => r ?? undefined), {
      what: 'the result of the real model',
      timeoutMs: 400_000,
    });
    expect(result).toMatchObject({ provider: 'openai', model: smolModelName, scorerVersion: 'vstep-writing-rubric-1+writing-prompt-3' });
    expect(result.promptTokens).toBeGreaterThan(300);
    expect(result.completionTokens).toBeGreaterThan(20);
    expect(result.completionTokens).toBeLessThanOrEqual(maxAnswerTokens(writingOutputJsonSchema));
    expect(result.criteria.map((c) => c.criterion).sort()).toEqual([...writingCriteria].sort());
    for (const c of result.criteria) expect(isValidScore(Number(c.score))).toBe(true);
    const submission = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(['completed', 'review_pending']).toContain(submission.status);
  }, 420_000);

  it("when the task asks for Vietnamese feedback, then the model's answer to that instruction still validates", async () => {
    const outcome = await scorer.scoreWriting({ task: 'task1', prompt: holidayPrompt, promptTrusted: true, feedbackLanguage: 'vi', text: holidayLetter });
    expect(outcome.model).toBe(smolModelName);
    expect(outcome.usage!.completionTokens).toBeLessThanOrEqual(maxAnswerTokens(writingOutputJsonSchema));
    for (const c of Object.values(outcome.criteria)) expect(isValidScore(c.score)).toBe(true);
  }, 300_000);
});
