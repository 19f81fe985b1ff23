import { ApplicationFailure } from '@temporalio/activity';
import { levelFor, overallScore, type WritingTask } from '../src/domain/scores.ts';
import type { PrismaClient } from '../src/lib/prisma.ts';
import {
  MalformedOutputError,
  ProviderRejectedError,
  ProviderUnavailableError,
  UnscorableResponseError,
  type Scorer,
} from '../src/scoring/scorer.ts';
import { CircuitOpenError, type CircuitBreaker } from '../src/scoring/circuit-breaker.ts';
import { failureTypes, type ScoreDraft } from '../workflows/grade-submission.types.ts';

export interface ScoringDeps {
  prisma: PrismaClient;
  scorer: Scorer;
  /** Shared by all workers; absent: no breaker. */
  breaker?: CircuitBreaker;
}

/**
 * Scorer errors as Temporal failures: unusable input and rejected requests never retry; an
 * unavailable provider retries, after its Retry-After when it gave one; malformed output retries.
 */
export function asScoringFailure(error: unknown): unknown {
  if (error instanceof UnscorableResponseError) return ApplicationFailure.nonRetryable(error.message, failureTypes.unscorable);
  if (error instanceof ProviderRejectedError) return ApplicationFailure.nonRetryable(error.message, 'ProviderRejected');
  if (error instanceof ProviderUnavailableError) {
    return ApplicationFailure.create({
      message: error.message,
      type: 'ProviderUnavailable',
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  if (error instanceof MalformedOutputError) return ApplicationFailure.retryable(error.message, 'MalformedOutput');
  if (error instanceof CircuitOpenError) {
    return ApplicationFailure.create({ message: error.message, type: 'CircuitOpen', nextRetryDelay: error.retryAfterMs });
  }
  return error;
}

export function createScoringActivities({ prisma, scorer, breaker }: ScoringDeps) {
  return {
    /** Loads the response from Postgres, scores it, and computes overall and level in code. */
    async scoreSubmission(submissionId: string): Promise<ScoreDraft> {
      const submission = await prisma.submission.findUnique({
        where: { id: submissionId },
        select: { skill: true, task: true, prompt: true, text: true },
      });
      if (!submission) {
        throw ApplicationFailure.nonRetryable(`submission ${submissionId} does not exist`, failureTypes.submissionGone);
      }
      if (submission.skill !== 'writing' || submission.text === null) {
        throw ApplicationFailure.nonRetryable(
          `no scorer for ${submission.skill} ${submission.task} yet`,
          failureTypes.unscorable,
        );
      }
      let outcome;
      try {
        // While the provider is failing for everyone, fail fast instead of adding to the load.
        await breaker?.check();
        outcome = await scorer.scoreWriting({
          task: submission.task as WritingTask,
          prompt: submission.prompt,
          text: submission.text,
        });
        await breaker?.record(false);
      } catch (error) {
        if (error instanceof ProviderUnavailableError) await breaker?.record(true);
        throw asScoringFailure(error);
      }
      const overall = overallScore(outcome.criteria);
      return {
        criteria: outcome.criteria,
        overall,
        level: levelFor(overall),
        feedback: outcome.feedback,
        confidence: outcome.confidence,
        flags: outcome.signals.flags,
        provider: outcome.provider,
        model: outcome.model,
        version: outcome.version,
      };
    },
  };
}
