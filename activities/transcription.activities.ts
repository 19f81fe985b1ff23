// Speech recognition for speaking answers: read the stored audio, transcribe it (heartbeating
// while the recogniser works), measure fluency from the word timings, and store the transcript.
// Runs on its own task queue with its own rate limits (workers/create-grading-worker.ts).
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { PrismaClient } from '../src/lib/prisma.ts';
import { appendEvent } from '../src/submissions/submission.repository.ts';
import type { CircuitBreaker } from '../src/scoring/circuit-breaker.ts';
import { words } from '../src/scoring/text-features.ts';
import { probeAudioFile } from '../src/speech/audio-format.ts';
import { isFilledPause, measureFluency } from '../src/speech/fluency.ts';
import type { Transcriber } from '../src/speech/transcriber.ts';
import { AudioNotFoundError, type AudioStore } from '../src/storage/audio-store.ts';
import { failureTypes, type TranscriptSummary } from '../src/grading/contract.ts';
import { callProvider } from './provider-failures.ts';
import { asActivityFailure, loadSubmission } from './store-failures.ts';

export interface TranscriptionDeps {
  prisma: PrismaClient;
  transcriber: Transcriber;
  audioStore: AudioStore;
  /** Circuit breaker of the transcription provider; absent: none. */
  transcriptionBreaker?: CircuitBreaker;
}

function summaryOf(t: Omit<TranscriptSummary, 'confidence'> & { confidence: number }): TranscriptSummary {
  return {
    confidence: Math.round(t.confidence * 1000) / 1000,
    durationSeconds: t.durationSeconds,
    wordCount: t.wordCount,
    wordsPerMinute: t.wordsPerMinute,
    provider: t.provider,
  };
}

export function createTranscriptionActivities({ prisma, transcriber, audioStore, transcriptionBreaker }: TranscriptionDeps) {
  return {
    /** Transcribes a speaking answer once; a retry after the transcript was stored returns it. */
    async transcribeSubmission(submissionId: string): Promise<TranscriptSummary> {
      const submission = await loadSubmission(prisma, submissionId, { audioKey: true, audioSeconds: true, transcript: true });
      if (submission.transcript) return summaryOf(submission.transcript);
      if (!submission.audioKey) throw ApplicationFailure.nonRetryable('the answer has no stored audio', failureTypes.unusableAudio);

      const context = Context.current();
      const heard = await audioStore
        .withLocalFile(submission.audioKey, async (file) => {
          const info = await probeAudioFile(file);
          return callProvider(`${transcriber.provider}-transcription`, transcriptionBreaker, () =>
            transcriber.transcribe({ path: file, info }, { heartbeat: () => context.heartbeat(), signal: context.cancellationSignal }),
          );
        })
        .catch((error: unknown) => {
          if (error instanceof AudioNotFoundError) {
            throw ApplicationFailure.nonRetryable(`the stored audio is missing: ${error.message}`, failureTypes.unusableAudio);
          }
          throw error;
        });

      // Filled pauses ("um", "uh") are hesitation, not words the student said.
      const wordCount = words(heard.text).filter((w) => !isFilledPause(w)).length;
      if (wordCount === 0) {
        throw ApplicationFailure.nonRetryable('no recognisable English speech in the recording', failureTypes.unusableAudio);
      }
      // The recogniser's measure, else the container's, else where the last word ends; or unknown.
      const lastWordEnd = heard.words?.length ? Math.max(...heard.words.map((w) => w.end)) : null;
      const durationSeconds = heard.durationSeconds ?? submission.audioSeconds ?? lastWordEnd;
      const fluency = measureFluency({ durationSeconds, wordCount, words: heard.words });
      const data = {
        text: heard.text,
        confidence: heard.confidence,
        meanWordProbability: heard.meanWordProbability,
        ...fluency,
        words: heard.words ? heard.words.map((w) => ({ ...w })) : undefined,
        provider: heard.provider,
        model: heard.model,
        language: heard.language,
      };
      const store = () =>
        prisma.$transaction(async (tx) => {
          await tx.transcript.create({ data: { submissionId, ...data } });
          await tx.submission.update({ where: { id: submissionId }, data: { wordCount } });
          await appendEvent(tx, submissionId, 'transcribed', {
            provider: heard.provider,
            confidence: summaryOf(data).confidence,
            wordCount,
            wordsPerMinute: fluency.wordsPerMinute,
          });
        });
      try {
        await asActivityFailure(prisma, submissionId, store);
      } catch (error) {
        // P2002: an earlier attempt stored it (its reply was lost), and that transcript stands.
        const stored = (error as { code?: string }).code === 'P2002' ? await prisma.transcript.findUnique({ where: { submissionId } }) : null;
        if (!stored) throw error;
        return summaryOf(stored);
      }
      return summaryOf(data);
    },
  };
}
