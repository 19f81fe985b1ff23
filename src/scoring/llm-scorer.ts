// Scoring with any OpenAI-compatible chat-completions endpoint: strict JSON-schema output,
// validated again with zod (scores outside 0-10 or off the 0.5 grid are rejected). The schema
// bounds every string and list, and the answer's token limit follows from it, so a model cannot
// keep generating inside the schema until the timeout; an answer cut off at that limit
// (finish_reason "length") is malformed. The SDK's own retries are off; Temporal retries the
// activity, so retries are not multiplied.
import { randomBytes } from 'node:crypto';
import type OpenAI from 'openai';
import { z } from 'zod';
import { isValidScore, wordMinimum, writingCriteria } from '../domain/scores.ts';
import { MalformedOutputError } from '../providers/errors.ts';
import { classifyOpenAIError, createOpenAIClient } from '../providers/openai.ts';
import type { ConformalCalibration } from './calibration.ts';
import { looksLikeInjection } from './injection.ts';
import type { CriterionAssessment, Scorer, ScoringOutcome, SpeakingResponse, WritingResponse } from './scorer.ts';
import {
  estimatePronunciation,
  pronunciationCaveat,
  speakingPromptVersion,
  speakingRubricVersion,
  speakingSystemPrompt,
  speakingUserMessage,
  speakingWordGuide,
  transcriptCriteria,
} from './speaking-rubric.ts';
import { words } from './text-features.ts';
import {
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
  /** A calibration of this model's errors (npm run eval -- --write-calibration); none: bounded by the offline scorer. */
  calibration?: ConformalCalibration;
}

/** Bounds of the answer's free text: a criterion's feedback, each quote, the overall feedback. */
export const answerLimits = { feedback: 400, quote: 160, quotes: 3, overallFeedback: 800 } as const;

/** The grid a score must be on, as a JSON-schema enum (constrained decoding can only produce these). */
const scoreGrid = Array.from({ length: 21 }, (_, i) => i / 2);

/** A string of at most `n` characters: the limit in the schema where the server enforces it, always in the description. */
const text = (n: number, lengths: boolean, description = '') => ({
  type: 'string',
  ...(lengths ? { maxLength: n } : {}),
  description: `${description}${description ? '; ' : ''}at most ${n} characters`,
});

const criterionJsonSchema = (lengths: boolean) => ({
  type: 'object',
  additionalProperties: false,
  required: ['score', 'evidence', 'feedback'],
  properties: {
    score: { type: 'number', enum: scoreGrid, description: '0 to 10 in steps of 0.5' },
    evidence: { type: 'array', items: text(answerLimits.quote, lengths, 'a short exact quote from the response'), maxItems: answerLimits.quotes },
    feedback: text(answerLimits.feedback, lengths),
  },
});

/**
 * Whether the endpoint's structured output takes string length limits. Local servers (llama.cpp,
 * vLLM, Ollama) compile the schema into a grammar that enforces them; OpenAI's strict mode is
 * not relied on to accept them, so there the limit is stated in each description and bounded by
 * `max_tokens`.
 */
export function enforcesLengths(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  const host = new URL(baseUrl).hostname;
  return !/(^|\.)openai\.com$|\.openai\.azure\.com$/.test(host);
}

/** The JSON schema the model must answer with, for the given criteria. */
export function outputJsonSchema(criteria: readonly string[], lengths = true) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['criteria', 'overallFeedback', 'offTask', 'injectionSuspected'],
    properties: {
      criteria: {
        type: 'object',
        additionalProperties: false,
        required: [...criteria],
        properties: Object.fromEntries(criteria.map((c) => [c, criterionJsonSchema(lengths)])),
      },
      overallFeedback: text(answerLimits.overallFeedback, lengths),
      offTask: { type: 'boolean' },
      injectionSuspected: { type: 'boolean' },
    },
  };
}

export const writingOutputJsonSchema = outputJsonSchema(writingCriteria);

/**
 * The most tokens an answer to the schema can take: every string at its length limit at one
 * token per two characters (Vietnamese and quoted learner text tokenise worse than English), plus
 * each key, number, list and punctuation; generous, so only a runaway answer reaches it.
 */
export function maxAnswerTokens(schema: unknown): number {
  const node = schema as { type?: string; maxLength?: number; description?: string; maxItems?: number; items?: unknown; properties?: Record<string, unknown> };
  switch (node.type) {
    case 'string':
      return Math.ceil((node.maxLength ?? limitFrom(node.description) ?? 2000) / 2) + 4;
    case 'number':
    case 'boolean':
      return 4;
    case 'array':
      return (node.maxItems ?? 10) * (maxAnswerTokens(node.items) + 1) + 2;
    case 'object':
      return Object.entries(node.properties ?? {}).reduce((sum, [key, value]) => sum + Math.ceil(key.length / 2) + 3 + maxAnswerTokens(value), 2);
    default:
      return 16;
  }
}

/** "… at most 400 characters" → 400. */
function limitFrom(description: string | undefined): number | undefined {
  const match = /at most (\d+) characters/.exec(description ?? '');
  return match ? Number(match[1]) : undefined;
}

const score = z.number().refine(isValidScore, 'must be 0-10 in steps of 0.5');
// A little slack over the schema's limits: a server that does not enforce them is not penalised for a few characters.
const criterion = z.object({
  score,
  evidence: z.array(z.string().max(answerLimits.quote * 2)).max(answerLimits.quotes + 2),
  feedback: z.string().min(1).max(answerLimits.feedback * 2),
});
const outputSchema = (criteria: readonly string[]) =>
  z.object({
    criteria: z.object(Object.fromEntries(criteria.map((c) => [c, criterion])) as Record<string, typeof criterion>),
    overallFeedback: z.string().min(1).max(answerLimits.overallFeedback * 2),
    offTask: z.boolean(),
    injectionSuspected: z.boolean(),
  });

interface Assessment {
  criteria: Record<string, CriterionAssessment>;
  overallFeedback: string;
  offTask: boolean;
  injectionSuspected: boolean;
  model: string;
  usage?: ScoringOutcome['usage'];
}

/** Flags from length against a minimum (or guide). */
function lengthFlags(wordCount: number, minimum: number): string[] {
  if (wordCount < minimum * 0.5) return ['far_below_word_minimum'];
  return wordCount < minimum ? ['below_word_minimum'] : [];
}

export class LlmScorer implements Scorer {
  readonly provider = 'openai';
  readonly calibration?: ConformalCalibration;
  private readonly client: OpenAI;

  constructor(private readonly options: LlmScorerOptions) {
    this.client = createOpenAIClient(options);
    this.calibration = options.calibration;
  }

  /** One chat completion under a strict schema for `criteria`, validated. */
  private async assess(name: string, criteria: readonly string[], system: string, user: string): Promise<Assessment> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    const schema = outputJsonSchema(criteria, enforcesLengths(this.options.baseUrl));
    try {
      completion = await this.client.chat.completions.create({
        model: this.options.model,
        temperature: 0,
        max_tokens: maxAnswerTokens(schema),
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        response_format: { type: 'json_schema', json_schema: { name, strict: true, schema } },
      });
    } catch (error) {
      throw classifyOpenAIError(error);
    }

    const choice = completion.choices[0];
    if (choice?.message.refusal) throw new MalformedOutputError(`the model refused: ${choice.message.refusal.slice(0, 200)}`);
    if (choice?.finish_reason === 'length') throw new MalformedOutputError(`the answer was cut off at the token limit (${maxAnswerTokens(schema)})`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(choice?.message.content ?? '');
    } catch {
      throw new MalformedOutputError('the model did not answer with JSON');
    }
    const result = outputSchema(criteria).safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new MalformedOutputError(`the model's answer breaks the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return {
      ...result.data,
      model: completion.model || this.options.model,
      usage: completion.usage
        ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
        : undefined,
    };
  }

  private outcome(out: Assessment, text: string, minimum: number, criteria: Record<string, CriterionAssessment>, feedback: string, version: string): ScoringOutcome {
    const wordCount = words(text).length;
    const flags: string[] = [];
    // Either the model or the shared detector (the same one the offline scorer uses) is enough.
    if (out.injectionSuspected || looksLikeInjection(text)) flags.push('prompt_injection');
    if (out.offTask) flags.push('off_task');
    flags.push(...lengthFlags(wordCount, minimum));
    return {
      criteria,
      feedback,
      // Calibrated later, against human ratings (src/scoring/confidence.ts); a model's view of itself is not.
      confidence: 0,
      signals: { wordCount, wordMinimum: minimum, flags },
      provider: this.provider,
      model: out.model,
      version,
      usage: out.usage,
    };
  }

  async scoreWriting(response: WritingResponse): Promise<ScoringOutcome> {
    const fence = `=====${randomBytes(9).toString('base64url')}=====`;
    const out = await this.assess(
      'vstep_writing_assessment',
      writingCriteria,
      writingSystemPrompt(response.task, response.prompt, response.promptTrusted === true, response.feedbackLanguage),
      writingUserMessage(response.text, fence, response.promptTrusted ? undefined : response.prompt),
    );
    return this.outcome(out, response.text, wordMinimum[response.task], out.criteria, out.overallFeedback, `${writingRubricVersion}+${writingPromptVersion}`);
  }

  async scoreSpeaking(response: SpeakingResponse): Promise<ScoringOutcome> {
    const fence = `=====${randomBytes(9).toString('base64url')}=====`;
    const out = await this.assess(
      'vstep_speaking_assessment',
      transcriptCriteria,
      speakingSystemPrompt(response.task, response.prompt, response.promptTrusted === true, response.feedbackLanguage),
      speakingUserMessage(response.transcript, response.fluency, fence, response.promptTrusted ? undefined : response.prompt),
    );
    const criteria = {
      ...out.criteria,
      pronunciation: estimatePronunciation(response.transcriptionConfidence, response.transcriptionProvider, response.feedbackLanguage),
    };
    return this.outcome(
      out,
      response.transcript,
      speakingWordGuide[response.task],
      criteria,
      `${out.overallFeedback} ${pronunciationCaveat[response.feedbackLanguage ?? 'en']}`,
      `${speakingRubricVersion}+${speakingPromptVersion}`,
    );
  }
}
