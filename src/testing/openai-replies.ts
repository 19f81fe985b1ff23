// What an OpenAI-compatible chat-completions endpoint answers, for the stand-ins of the tests
// (test/helpers/fake-openai.ts) and the benchmark (bench/provider-stand-in.ts): an assessment in
// the rubric's JSON shape, wrapped in a chat completion.
import { writingCriteria } from '../domain/scores.ts';

export function assessment(
  scores: Partial<Record<string, number>> = {},
  extra: Partial<Record<string, unknown>> = {},
  criteria: readonly string[] = writingCriteria,
) {
  return {
    criteria: Object.fromEntries(
      criteria.map((c) => [c, { score: scores[c] ?? 6.5, evidence: ['I am writing to tell you'], feedback: `Feedback on ${c}.` }]),
    ),
    overallFeedback: 'A clear response with room to grow.',
    offTask: false,
    injectionSuspected: false,
    ...extra,
  };
}

export function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
    usage: { prompt_tokens: 812, completion_tokens: 256, total_tokens: 1068 },
  };
}
