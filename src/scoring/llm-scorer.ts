// Scoring with any OpenAI-compatible chat-completions endpoint: strict JSON-schema output,
// validated again with zod (scores outside 0-10 or off the 0.5 grid are rejected). The SDK's own
// retries are off; Temporal retries the activity, so retries are not multiplied.
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { z } from 'zod';
import { isValidScore, wordMinimum, writingCriteria } from '../domain/scores.ts';
import {
  MalformedOutputError,
  ProviderRejectedError,
  ProviderUnavailableError,
  type Scorer,
  type ScoringOutcome,
  type WritingResponse,
} from './scorer.ts';
import { words } from './text-features.ts';
import {
  looksLikeInjection,
  writingPromptVersion,
  writingRubricVersion,
  writingSystemPrompt,
  writingUserMessage,
} from './writing-rubric.ts';

export interface LlmScorerOptions {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  timeoutSeconds: number;
}

const criterionJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['score', 'evidence', 'feedback'],
  properties: {
    score: { type: 'number', description: '0 to 10 in steps of 0.5' },
    evidence: { type: 'array', items: { type: 'string' }, description: 'short exact quotes from the response' },
    feedback: { type: 'string' },
  },
} as const;

export const writingOutputJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['criteria', 'overallFeedback', 'confidence', 'offTask', 'injectionSuspected'],
  properties: {
    criteria: {
      type: 'object',
      additionalProperties: false,
      required: [...writingCriteria],
      properties: Object.fromEntries(writingCriteria.map((c) => [c, criterionJsonSchema])),
    },
    overallFeedback: { type: 'string' },
    confidence: { type: 'number', description: '0 to 1' },
    offTask: { type: 'boolean' },
    injectionSuspected: { type: 'boolean' },
  },
} as const;

const score = z.number().refine(isValidScore, 'must be 0-10 in steps of 0.5');
const criterion = z.object({ score, evidence: z.array(z.string().max(1000)).max(5), feedback: z.string().min(1).max(2000) });
const outputSchema = z.object({
  criteria: z.object(Object.fromEntries(writingCriteria.map((c) => [c, criterion])) as Record<(typeof writingCriteria)[number], typeof criterion>),
  overallFeedback: z.string().min(1).max(4000),
  confidence: z.number().min(0).max(1),
  offTask: z.boolean(),
  injectionSuspected: z.boolean(),
});

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Sorts provider failures into "try again later" and "this request can never succeed". */
function classify(error: unknown): Error {
  if (error instanceof OpenAI.APIConnectionError) return new ProviderUnavailableError(`provider unreachable: ${error.message}`);
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    if (status === 429 || status === 408 || status === 409 || status >= 500) {
      return new ProviderUnavailableError(`provider answered ${status}`, retryAfterMs(error.headers as Headers | undefined));
    }
    return new ProviderRejectedError(`provider rejected the request (${status}): ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

export class LlmScorer implements Scorer {
  readonly provider = 'openai';
  private readonly client: OpenAI;

  constructor(private readonly options: LlmScorerOptions) {
    this.client = new OpenAI({
      // Local OpenAI-compatible servers (e.g. Ollama) accept any key.
      apiKey: options.apiKey ?? 'not-needed',
      baseURL: options.baseUrl,
      maxRetries: 0,
      timeout: options.timeoutSeconds * 1000,
    });
  }

  async scoreWriting(response: WritingResponse): Promise<ScoringOutcome> {
    const fence = `=====${randomBytes(9).toString('base64url')}=====`;
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create({
        model: this.options.model,
        temperature: 0,
        messages: [
          { role: 'system', content: writingSystemPrompt(response.task) },
          { role: 'user', content: writingUserMessage(response.prompt, response.text, fence) },
        ],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'vstep_writing_assessment', strict: true, schema: writingOutputJsonSchema },
        },
      });
    } catch (error) {
      throw classify(error);
    }

    const choice = completion.choices[0];
    if (choice?.message.refusal) throw new MalformedOutputError(`the model refused: ${choice.message.refusal.slice(0, 200)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(choice?.message.content ?? '');
    } catch {
      throw new MalformedOutputError('the model did not answer with JSON');
    }
    const result = outputSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new MalformedOutputError(`the model's answer breaks the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const out = result.data;
    const wordCount = words(response.text).length;
    const minimum = wordMinimum[response.task];
    const flags: string[] = [];
    if (out.injectionSuspected || looksLikeInjection(response.text)) flags.push('prompt_injection');
    if (out.offTask) flags.push('off_task');
    if (wordCount < minimum * 0.5) flags.push('far_below_word_minimum');
    else if (wordCount < minimum) flags.push('below_word_minimum');
    return {
      criteria: out.criteria,
      feedback: out.overallFeedback,
      confidence: out.confidence,
      signals: { wordCount, wordMinimum: minimum, flags },
      provider: this.provider,
      model: completion.model || this.options.model,
      version: `${writingRubricVersion}+${writingPromptVersion}`,
      usage: completion.usage
        ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
        : undefined,
    };
  }
}
