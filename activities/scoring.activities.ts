import { ApplicationFailure } from '@temporalio/activity';
import { levelFor, overallScore, type SpeakingTask, type WritingTask } from '../src/domain/scores.ts';
import type { PrismaClient } from '../src/lib/prisma.ts';
import type { CircuitBreaker } from '../src/scoring/circuit-breaker.ts';
import { offlineOpinionOf, offlineProvider } from '../src/scoring/baseline-scorer.ts';
import { calibratedUncertainty, type SecondOpinion } from '../src/scoring/confidence.ts';
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
  async function score(submissionId: string): Promise<{ outcome: ScoringOutcome; offline?: SecondOpinion; skill: 'writing' | 'speaking' }> {
    const submission = await loadSubmission(prisma, submissionId, {
      skill: true,
      task: true,
      prompt: true,
      text: true,
      transcript: true,
      examTask: { select: { questions: true, feedbackLanguage: true } },
    });
    // The task's feedback language (free practice: English); it changes words, never scores.
    const feedbackLanguage = submission.examTask?.feedbackLanguage === 'vi' ? 'vi' : 'en';
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
          feedbackLanguage,
          transcript: transcript.text,
          fluency: fluencyOf(transcript),
          transcriptionConfidence: transcript.confidence,
          transcriptionProvider: transcript.provider,
        }),
      );
      return { outcome: screenedPrompt(outcome, prompt, promptTrusted), skill: 'speaking' };
    }
    if (submission.text === null) throw ApplicationFailure.nonRetryable('the submission has no text to score', failureTypes.unscorable);
    const response = { task: submission.task as WritingTask, prompt, promptTrusted, feedbackLanguage, text: submission.text } as const;
    const outcome = screenedPrompt(await callProvider(scorer.provider, breaker, () => scorer.scoreWriting(response)), prompt, promptTrusted);
    return scorer.provider === offlineProvider ? { outcome, skill: 'writing' } : { outcome, offline: offlineOpinionOf(response), skill: 'writing' };
  }

  return {
    /**
     * Loads the response from Postgres, scores it, and computes overall and level in code, and the
     * calibrated error of the overall (src/scoring/confidence.ts).
     */
    async scoreSubmission(submissionId: string): Promise<ScoreDraft> {
      const { outcome, offline, skill } = await score(submissionId);
      const overall = overallScore(outcome.criteria);
      // A calibration of the LLM was fitted on essays: it says nothing about spoken answers.
      const uncertainty = calibratedUncertainty(outcome, offline, skill === 'writing' ? scorer.calibration : undefined);
      const offlineOverall = offline?.overall;
      return {
        criteria: outcome.criteria,
        overall,
        level: levelFor(overall),
        feedback: outcome.feedback,
        // The legacy field: 0 keeps a pre-calibration workflow on the safe side (ScoreDraft).
        confidence: 0,
        ...(uncertainty ? { uncertainty } : {}),
        flags: outcome.signals.flags,
        provider: outcome.provider,
        model: outcome.model,
        version: outcome.version,
        ...(offlineOverall === undefined ? {} : { offlineOverall }),
        ...(outcome.usage ? { usage: outcome.usage } : {}),
      };
    },
  };
}
