// GradeSubmission against stub activities: each activity follows a script (answer, fail for a
// while, fail for good, find the submission gone) and every call is recorded, so a test reads
// the steps the workflow took. No database: the real activities have integration tests of their own.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { GradingActivities } from '../../activities/index.ts';
import type { OpenReviewInput } from '../../activities/review.activities.ts';
import type { GradingMode, Skill, Task } from '../../src/domain/scores.ts';
import { criteriaFor, levelFor, overallScore } from '../../src/domain/scores.ts';
import {
  appealWorkflowIdFor,
  appealWorkflowType,
  completeReviewUpdate,
  failureTypes,
  gradeSubmissionWorkflowType,
  gradingStateQuery,
  workflowIdFor,
  type AppealInput,
  type GradeSubmissionInput,
  type GradeSubmissionOutput,
  type GradingPolicy,
  type GradingState,
  type ReviewDecision,
  type ScoreDraft,
  type TranscriptSummary,
} from '../../src/grading/contract.ts';

/** How a provider step behaves: answers, fails on every attempt, refuses the input, or finds the submission deleted. */
export type StepScript = 'ok' | 'fails' | 'unusable' | 'gone';

export interface Scenario {
  skill: Skill;
  mode: GradingMode;
  transcription?: StepScript;
  scoring?: StepScript;
  /** The second opinion's overall (hybrid with policy.secondOpinion), a failure, or the submission gone. */
  second?: number | 'fails' | 'gone';
  /**
   * Draft overrides: confidence, flags, overall per criterion, and the calibrated P(within t) at
   * t = 0, 0.5, 1, 1.5, 2 (default confidently calibrated: 0.5, 0.96, 0.98, 1, 1; null: uncalibrated).
   */
  draft?: Partial<Pick<ScoreDraft, 'confidence' | 'flags' | 'offlineOverall'>> & { score?: number; within?: number[] | null };
  transcriptionConfidence?: number;
  policy?: Partial<GradingPolicy>;
  /** Seconds from start to the SLA deadline. */
  slaSeconds?: number;
  /** The stored response tries to instruct the grader: opening the review finds it. */
  steers?: boolean;
  /** Drawn for a blind second mark. */
  doubleMarked?: boolean;
  /** What deciding an appeal answers. */
  appeal?: 'upheld' | 'changed' | 'gone';
}

export interface Call {
  name: string;
  args: unknown[];
}


export function decisionFor(skill: Skill, score = 6): ReviewDecision {
  return { graderId: randomUUID(), criteria: Object.fromEntries(criteriaFor[skill].map((c) => [c, { score }])), feedback: 'Seen by a person.' };
}

function draftFor(skill: Skill, over: Scenario['draft'] = {}): ScoreDraft {
  const score = over.score ?? 7;
  const criteria = Object.fromEntries(criteriaFor[skill].map((c) => [c, { score, evidence: ['a quote'], feedback: 'Fine.' }]));
  const overall = overallScore(criteria);
  const within = over.within === undefined ? [0.5, 0.96, 0.98, 1, 1] : over.within;
  return {
    criteria,
    overall,
    level: levelFor(overall),
    feedback: 'A draft.',
    confidence: over.confidence ?? (within ? within[2]! : 0),
    ...(within ? { uncertainty: { within, interval: { low: overall - 1, high: overall + 1, level: 0.9 }, calibration: 'stub', bin: 0 } } : {}),
    flags: over.flags ?? [],
    provider: 'stub',
    model: null,
    version: 'stub-1',
    ...(over.offlineOverall === undefined ? {} : { offlineOverall: over.offlineOverall }),
  };
}

function step<T>(script: StepScript | undefined, answer: () => T, unusableType: string): Promise<T> {
  switch (script ?? 'ok') {
    case 'ok':
      return Promise.resolve(answer());
    case 'fails':
      return Promise.reject(new Error('provider unavailable (503)'));
    case 'unusable':
      return Promise.reject(ApplicationFailure.nonRetryable('the input cannot be used', unusableType));
    case 'gone':
      return Promise.reject(ApplicationFailure.nonRetryable('submission does not exist', failureTypes.submissionGone));
  }
  throw new Error(`unknown script ${script}`);
}

/** Stub activities following `scenario`; `calls` records every call in order. */
export function stubActivities(scenario: Scenario, calls: Call[]): GradingActivities {
  // Every attempt of the first scoring follows `scoring`; once one succeeded, the next is the second opinion.
  let drafted = false;
  const record = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) => (...args: A) => {
    calls.push({ name, args });
    return fn(...args);
  };
  const summary: TranscriptSummary = { confidence: scenario.transcriptionConfidence ?? 0.9, durationSeconds: 30, wordCount: 60, wordsPerMinute: 120, provider: 'stub' };
  return {
    markProcessing: record('markProcessing', async () => undefined),
    transcribeSubmission: record('transcribeSubmission', () => step(scenario.transcription, () => summary, failureTypes.unusableAudio)),
    scoreSubmission: record('scoreSubmission', () => {
      if (!drafted) {
        return step(scenario.scoring, () => {
          drafted = true;
          return draftFor(scenario.skill, scenario.draft);
        }, failureTypes.unscorable);
      }
      if (scenario.second === 'fails' || scenario.second === 'gone') return step(scenario.second, () => draftFor(scenario.skill), failureTypes.unscorable);
      return Promise.resolve(draftFor(scenario.skill, { score: scenario.second ?? scenario.draft?.score }));
    }),
    completeWithResult: record('completeWithResult', async () => undefined),
    markFailed: record('markFailed', async () => undefined),
    openReview: record('openReview', async (_id: string, input: OpenReviewInput) =>
      scenario.steers
        ? { reviewId: randomUUID(), reasons: [...input.reasons, 'prompt_injection'], priority: 'high' as const }
        : { reviewId: randomUUID(), reasons: input.reasons, priority: input.priority },
    ),
    escalateReview: record('escalateReview', async () => undefined),
    recordSlaBreach: record('recordSlaBreach', async () => undefined),
    completeReview: record('completeReview', async (_id: string, d: ReviewDecision) => ({ overall: overallScore(d.criteria) })),
    recordMark: record('recordMark', async (_id: string, d: ReviewDecision) => ({ overall: overallScore(d.criteria) })),
    finishModeration: record('finishModeration', async (_id: string, final: { criteria: ReviewDecision['criteria'] }) => ({ overall: overallScore(final.criteria) })),
    openAppealReview: record('openAppealReview', async () => ({ reviewId: appealReviewId })),
    decideAppeal: record('decideAppeal', () =>
      scenario.appeal === 'gone'
        ? step('gone', () => ({ status: 'upheld' as const, version: 1 }), failureTypes.unscorable)
        : Promise.resolve({ status: scenario.appeal ?? 'upheld', version: scenario.appeal === 'changed' ? 2 : 1 }),
    ),
  };
}

/** The review id the stub opens for an appeal. */
export const appealReviewId = randomUUID();

export function inputFor(scenario: Scenario, taskQueue: string, now: number): GradeSubmissionInput {
  return {
    ...(scenario.doubleMarked ? { doubleMarked: true } : {}),
    submissionId: randomUUID(),
    skill: scenario.skill,
    mode: scenario.mode,
    deadlineAt: new Date(now + (scenario.slaSeconds ?? 7 * 86_400) * 1000).toISOString(),
    searchAttributes: false,
    policy: {
      maxRetries: 0,
      retryInitialSeconds: 1,
      retryBackoffCapSeconds: 1,
      activityTimeoutSeconds: 30,
      routing: { autoAcceptProbability: 0.95, disagreementMargin: 1, boundaryMargin: 0.5, minTranscriptionConfidence: 0.5 },
      reviewDueSeconds: 86_400,
      secondOpinion: false,
      scoringTaskQueue: taskQueue,
      transcriptionTaskQueue: taskQueue,
      transcriptionTimeoutSeconds: 60,
      ...scenario.policy,
    },
  };
}

export const taskOf = (skill: Skill): Task => (skill === 'writing' ? 'task1' : 'part1');

export async function startAppeal(client: Client, input: AppealInput, taskQueue: string) {
  return client.workflow.start(appealWorkflowType, { workflowId: appealWorkflowIdFor(input.submissionId), taskQueue, args: [input] });
}

export async function startGrading(client: Client, input: GradeSubmissionInput, taskQueue: string) {
  return client.workflow.start(gradeSubmissionWorkflowType, { workflowId: workflowIdFor(input.submissionId), taskQueue, args: [input] });
}

/** Polls the gradingState query until `done` holds (bounded). */
export async function stateWhen(
  handle: Awaited<ReturnType<typeof startGrading>>,
  done: (state: GradingState) => boolean,
  what: string,
): Promise<GradingState> {
  for (let i = 0; i < 200; i++) {
    const state = await handle.query(gradingStateQuery);
    if (done(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the workflow never reached: ${what}`);
}

/** Completes the open review with `decision` once the workflow awaits it; the update's answer. */
export async function completeWhenAwaited(handle: Awaited<ReturnType<typeof startGrading>>, decision: ReviewDecision): Promise<GradeSubmissionOutput> {
  await stateWhen(handle, (s) => s.phase === 'awaiting_review', 'awaiting review');
  return handle.executeUpdate(completeReviewUpdate, { args: [decision] });
}
