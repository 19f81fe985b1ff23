// Types shared by the workflow, its activities and the API that starts it. Workflows carry ids
// and small decisions only; essays, audio and transcripts stay in Postgres.
import type { CriterionAssessment } from '../src/scoring/scorer.ts';

export const gradeSubmissionWorkflowType = 'gradeSubmission';

export const workflowIdFor = (submissionId: string) => `grade-${submissionId}`;

/** Retry and timeout policy, fixed at submission time so a running workflow never changes rules. */
export interface GradingPolicy {
  maxRetries: number;
  retryInitialSeconds: number;
  retryBackoffCapSeconds: number;
  activityTimeoutSeconds: number;
}

export interface GradeSubmissionInput {
  submissionId: string;
  policy: GradingPolicy;
  /** Correlation id of the HTTP request that created the submission. */
  requestId?: string;
}

export interface GradeSubmissionOutput {
  submissionId: string;
  status: 'completed' | 'failed' | 'deleted';
  overall?: number;
}

/** What a scorer produced, in the shape the persistence activity stores. */
export interface ScoreDraft {
  criteria: Record<string, CriterionAssessment>;
  overall: number;
  level: string | null;
  feedback: string;
  confidence: number;
  flags: string[];
  provider: string;
  model: string | null;
  version: string;
}

/** ApplicationFailure types the activities raise and the workflow reacts to. */
export const failureTypes = {
  submissionGone: 'SubmissionGone',
  unscorable: 'UnscorableResponse',
  illegalTransition: 'IllegalTransition',
} as const;
