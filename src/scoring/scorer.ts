// The scoring provider interface. A scorer turns one response into criterion scores with
// evidence and feedback; it never decides the overall score or level (src/domain/scores.ts
// does). The offline baseline implements it today; the LLM scorer plugs in beside it.
import type { WritingCriterion, WritingTask } from '../domain/scores.ts';

export interface WritingResponse {
  task: WritingTask;
  prompt: string;
  text: string;
}

export interface CriterionAssessment {
  /** 0-10 on the 0.5 grid. */
  score: number;
  /** Short quotes from the response that justify the score. */
  evidence: string[];
  feedback: string;
}

/** Observations a router can act on (off-task, far too short, ...). */
export interface ScoringSignals {
  wordCount: number;
  wordMinimum: number;
  flags: string[];
}

export interface ScoringOutcome {
  criteria: Record<WritingCriterion, CriterionAssessment>;
  feedback: string;
  /** 0-1: how far the scorer trusts its own result. */
  confidence: number;
  signals: ScoringSignals;
  provider: string;
  model: string | null;
  /** Version of the scorer (prompt and rubric for LLM scorers, feature set for the baseline). */
  version: string;
  /** Tokens spent, for scorers that call a model. */
  usage?: { promptTokens: number; completionTokens: number };
}

export interface Scorer {
  readonly provider: string;
  scoreWriting(response: WritingResponse): Promise<ScoringOutcome>;
}

/** A failure that retrying cannot fix (e.g. unusable input). */
export class UnscorableResponseError extends Error {
  override name = 'UnscorableResponseError';
}

/** The provider is unavailable for now (429, 5xx, timeout, connection): worth retrying. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
  constructor(
    message: string,
    /** How long the provider asked us to wait (Retry-After), if it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The provider refused the request itself (bad key, unknown model, invalid request): retrying cannot help. */
export class ProviderRejectedError extends Error {
  override name = 'ProviderRejectedError';
}

/** The provider answered, but not with a usable result (bad JSON, scores off the grid): may succeed on retry. */
export class MalformedOutputError extends Error {
  override name = 'MalformedOutputError';
}
