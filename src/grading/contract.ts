// The grading contract: what the GradeSubmission workflow takes and returns, the messages it
// answers, and the failure types its activities raise. The workflow, its activities, the API
// that starts it and the worker all import it from here. Workflows carry ids and small
// decisions only; essays, audio and transcripts stay in Postgres. Only deterministic,
// sandbox-safe modules may be imported here: the workflow bundle includes this file.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ReviewPriority, RoutingRules } from '../domain/routing.ts';
import type { Uncertainty } from '../domain/uncertainty.ts';
import type { GradingMode, Skill } from '../domain/scores.ts';
import type { CriterionAssessment } from '../scoring/scorer.ts';

export const gradeSubmissionWorkflowType = 'gradeSubmission';

export const workflowIdFor = (submissionId: string) => `grade-${submissionId}`;

/** The memo key and activity header that carry the correlation id of the submitting request. */
export const requestIdHeader = 'requestId';

/** Retry, timeout and routing policy, fixed at submission time so a running workflow never changes rules. */
export interface GradingPolicy {
  maxRetries: number;
  retryInitialSeconds: number;
  retryBackoffCapSeconds: number;
  activityTimeoutSeconds: number;
  routing: RoutingRules;
  reviewDueSeconds: number;
  /** Hybrid mode: score twice and compare. */
  secondOpinion: boolean;
  /** Task queue of the provider-calling activities (rate-limited workers). */
  scoringTaskQueue: string;
  /** Task queue and time limit of speech recognition. */
  transcriptionTaskQueue: string;
  transcriptionTimeoutSeconds: number;
  /** Double marking: marks further apart than this (overall points) are adjudicated. Absent in older runs. */
  adjudicationThreshold?: number;
}

export interface GradeSubmissionInput {
  submissionId: string;
  policy: GradingPolicy;
  /** Correlation id of the HTTP request that created the submission. */
  requestId?: string;
  skill: Skill;
  mode: GradingMode;
  /** The SLA deadline (ISO 8601), counted from submission. */
  deadlineAt: string;
  /** Keep the custom search attributes (status, review priority) up to date. */
  searchAttributes: boolean;
  /** Drawn for a blind second human mark (src/domain/moderation.ts). Absent in older runs. */
  doubleMarked?: boolean;
}

/** Who decided a final result. */
export type ResultSource = 'ai' | 'human' | 'double_marked' | 'adjudicated' | 'override' | 'appeal';

export interface GradeSubmissionOutput {
  submissionId: string;
  /** `review_pending`: what a mark's update answers while other marks are still due. */
  status: 'completed' | 'failed' | 'deleted' | 'review_pending';
  overall?: number;
  source?: ResultSource;
}

export type ReviewKind = 'first' | 'second' | 'adjudication' | 'appeal';

/** What a grader submits to finish a review (the completeReview update's argument). */
export interface ReviewDecision {
  graderId: string;
  /** The review being completed; older clients of a single-review grading left it out. */
  reviewId?: string;
  criteria: Record<string, { score: number; feedback?: string }>;
  feedback?: string;
}

/** A review the workflow waits on. */
export interface OpenReviewState {
  reviewId: string;
  kind: ReviewKind;
  priority: ReviewPriority;
  reasons: string[];
  dueAt: string;
  escalated: boolean;
  marked: boolean;
}

/** Live state of a grading, answered by the `gradingState` query. */
export interface GradingState {
  phase: 'starting' | 'transcribing' | 'scoring' | 'awaiting_review' | 'finishing' | 'completed' | 'failed';
  slaBreached: boolean;
  /** The review opened last (the only one, unless the submission is double-marked). */
  review: { reviewId: string; priority: ReviewPriority; reasons: string[]; dueAt: string; escalated: boolean } | null;
  /** Every review of a double-marked submission, in the order they opened. */
  reviews?: OpenReviewState[];
  overall: number | null;
  /** Speaking answers: what the recogniser reported, once it has. */
  transcription: TranscriptSummary | null;
}

/** A grader's decision, delivered to the waiting workflow; its validator refuses bad scores before anything is written. */
export const completeReviewUpdate = defineUpdate<GradeSubmissionOutput, [ReviewDecision]>('completeReview');
export const gradingStateQuery = defineQuery<GradingState>('gradingState');

export const reviewFailureTypes = {
  invalidScores: 'InvalidScores',
  notAwaitingReview: 'NotAwaitingReview',
  /** The grader already marked this submission: every mark comes from someone else. */
  alreadyMarked: 'AlreadyMarked',
} as const;

/** An appeal of a completed result: its own workflow, id appeal-<submissionId>, decided by a senior. */
export const appealWorkflowType = 'appealSubmission';
export const appealWorkflowIdFor = (submissionId: string) => `appeal-${submissionId}`;

export interface AppealInput {
  appealId: string;
  submissionId: string;
  skill: Skill;
  policy: GradingPolicy;
  /** Who decided any version of the result: none of them may decide the appeal. */
  excludedGraderIds: string[];
}

export interface AppealOutput {
  appealId: string;
  status: 'upheld' | 'changed' | 'deleted';
  version?: number;
}

export interface AppealState {
  phase: 'opening' | 'awaiting_review' | 'deciding' | 'decided';
  review: { reviewId: string; dueAt: string; escalated: boolean } | null;
}

export const appealStateQuery = defineQuery<AppealState>('appealState');

/** What a scorer produced, in the shape the persistence activity stores. */
export interface ScoreDraft {
  criteria: Record<string, CriterionAssessment>;
  overall: number;
  level: string | null;
  feedback: string;
  /**
   * Read only by workflows started before calibrated routing (the scorer's own confidence then).
   * New drafts carry 0, so that such a workflow on a worker not yet upgraded (a rolling deploy)
   * sends the draft to review rather than reading a calibrated probability as permission. The
   * calibrated probability is in `uncertainty`; the stored result's `confidence` comes from it.
   */
  confidence: number;
  /** The calibrated error behind it (absent: not calibrated; histories before calibration have none). */
  uncertainty?: Uncertainty;
  flags: string[];
  provider: string;
  model: string | null;
  version: string;
  /** The offline scorer's overall for the same essay, next to an LLM scoring of it. */
  offlineOverall?: number;
  /** Tokens the model call spent, for scorers that call one. */
  usage?: { promptTokens: number; completionTokens: number };
}

/** What the transcription activity reports to the workflow; the transcript itself stays in Postgres. */
export interface TranscriptSummary {
  /** 0-1, the recogniser's confidence. */
  confidence: number;
  durationSeconds: number | null;
  wordCount: number;
  wordsPerMinute: number | null;
  provider: string;
}

/** ApplicationFailure types the activities raise and the workflow reacts to. */
export const failureTypes = {
  submissionGone: 'SubmissionGone',
  unscorable: 'UnscorableResponse',
  unusableAudio: 'UnusableAudio',
  illegalTransition: 'IllegalTransition',
} as const;
