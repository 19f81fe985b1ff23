import { ApplicationFailure } from '@temporalio/activity';
import { levelFor, overallScore, type SpeakingTask, type WritingTask } from '../src/domain/scores.ts';
import type { PrismaClient } from '../src/lib/prisma.ts';
import type { CircuitBreaker } from '../src/scoring/circuit-breaker.ts';
import { offlineOverallOf, offlineProvider } from '../src/scoring/baseline-scorer.ts';
import { looksLikeInjection } from '../src/scoring/injection.ts';
import type { Scorer, ScoringOutcome } from '../src/scoring/scorer.ts';
import { fluencyOf } from '../src/speech/transcripts.ts';
import { failureTypes, type ScoreDraft } from '../src/grading/contract.ts';
import { callProvider } from './provider-failures.ts';
import { loadSubmission } from './store-failures.ts';

export interface ScoringDeps {
  prisma: PrismaClient;
  scorer: Scorer;
  /** Shared by all workers; absent: no breaker. */
  breaker?: CircuitBreaker;
}

/** What the candidate was asked: the task's prompt, then its sub-questions or options, one a line. */
export function promptAsAsked(prompt: string, questions: readonly string[]): string {
  return [prompt, ...questions.map((q) => `- ${q}`)].join('\n');
}

/** A student's own prompt can carry instructions to the grader as well as their answer can. */
function screenedPrompt(outcome: ScoringOutcome, prompt: string, trusted: boolean): ScoringOutcome {
  if (trusted || outcome.signals.flags.includes('prompt_injection') || !looksLikeInjection(prompt)) return outcome;
  return { ...outcome, signals: { ...outcome.signals, flags: ['prompt_injection', ...outcome.signals.flags] } };
}

export function createScoringActivities({ prisma, scorer, breaker }: ScoringDeps) {
  /**
   * The scorer's outcome for the stored response (essay, or transcript of a speaking answer).
   * Next to an LLM scoring of an essay, the offline scorer's overall: a free second opinion.
   */
  async function score(submissionId: string): Promise<{ outcome: ScoringOutcome; offlineOverall?: number }> {
    const submission = await loadSubmission(prisma, submissionId, {
      skill: true,
      task: true,
      prompt: true,
      text: true,
      transcript: true,
      examTask: { select: { questions: true } },
    });
    const prompt = promptAsAsked(submission.prompt, submission.examTask?.questions ?? []);
    // Staff wrote a bank task's prompt; a free-practice prompt is the student's own.
    const promptTrusted = submission.examTask !== null;
    if (submission.skill === 'speaking') {
      const transcript = submission.transcript;
      if (!transcript) throw ApplicationFailure.nonRetryable('the answer has no transcript to score', failureTypes.unscorable);
      const outcome = await callProvider(scorer.provider, breaker, () =>
        scorer.scoreSpeaking({
          task: submission.task as SpeakingTask,
          prompt,
          promptTrusted,
          transcript: transcript.text,
          fluency: fluencyOf(transcript),
          transcriptionConfidence: transcript.confidence,
          transcriptionProvider: transcript.provider,
        }),
      );
      return { outcome: screenedPrompt(outcome, prompt, promptTrusted) };
    }
    if (submission.text === null) throw ApplicationFailure.nonRetryable('the submission has no text to score', failureTypes.unscorable);
    const response = { task: submission.task as WritingTask, prompt, promptTrusted, text: submission.text };
    const outcome = screenedPrompt(await callProvider(scorer.provider, breaker, () => scorer.scoreWriting(response)), prompt, promptTrusted);
    return scorer.provider === offlineProvider ? { outcome } : { outcome, offlineOverall: offlineOverallOf(response) };
  }

  return {
    /** Loads the response from Postgres, scores it, and computes overall and level in code. */
    async scoreSubmission(submissionId: string): Promise<ScoreDraft> {
      const { outcome, offlineOverall } = await score(submissionId);
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
        ...(offlineOverall === undefined ? {} : { offlineOverall }),
      };
    },
  };
}
