// The scoring provider interface. A scorer turns one response into criterion scores with
// evidence and feedback; it never decides the overall score or level (src/domain/scores.ts
// does). Two implementations: the offline baseline and the LLM scorer.
import type { SpeakingTask, WritingTask } from '../domain/scores.ts';
import type { Uncertainty } from '../domain/uncertainty.ts';
import type { ConformalCalibration } from './calibration.ts';
import type { FluencyMeasures } from '../speech/fluency.ts';

/** The language of the feedback a student reads; scores never depend on it. */
export type FeedbackLanguage = 'en' | 'vi';

export interface WritingResponse {
  task: WritingTask;
  prompt: string;
  /** Default English. */
  feedbackLanguage?: FeedbackLanguage;
  /** True when staff wrote the prompt (a bank task); a student's own practice prompt is untrusted. */
  promptTrusted?: boolean;
  text: string;
}

/** A speaking answer as the scorers see it: the transcript and what the recogniser measured. */
export interface SpeakingResponse {
  task: SpeakingTask;
  prompt: string;
  /** Default English. */
  feedbackLanguage?: FeedbackLanguage;
  /** True when staff wrote the prompt (a bank task); a student's own practice prompt is untrusted. */
  promptTrusted?: boolean;
  transcript: string;
  fluency: FluencyMeasures;
  /** 0-1, from the recogniser; the only evidence about pronunciation a transcript offers. */
  transcriptionConfidence: number;
  transcriptionProvider: string;
}

export interface CriterionAssessment {
  /** 0-10 on the 0.5 grid. */
  score: number;
  /** Short quotes from the response that justify the score. */
  evidence: string[];
  feedback: string;
  /** True when the score is estimated from indirect evidence (pronunciation from a transcript). */
  estimated?: boolean;
}

/** Observations a router can act on (off-task, far too short, ...). */
export interface ScoringSignals {
  wordCount: number;
  /** Words expected at least: the task minimum for writing, a guide for the speaking part. */
  wordMinimum: number;
  flags: string[];
}

export interface ScoringOutcome {
  criteria: Record<string, CriterionAssessment>;
  feedback: string;
  /**
   * The calibrated probability (0-1) that the overall is within ±1.0 of a trained human's;
   * 0 when the scorer is not calibrated for this kind of answer.
   */
  confidence: number;
  /** The calibrated error behind `confidence` (absent: not calibrated). */
  uncertainty?: Uncertainty;
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
  /** A calibration of this scorer's errors against human ratings, when one was fitted. */
  readonly calibration?: ConformalCalibration;
  scoreWriting(response: WritingResponse): Promise<ScoringOutcome>;
  scoreSpeaking(response: SpeakingResponse): Promise<ScoringOutcome>;
}

/** A failure that retrying cannot fix (e.g. unusable input). */
export class UnscorableResponseError extends Error {
  override name = 'UnscorableResponseError';
}
