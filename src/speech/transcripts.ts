// Transcripts as stored (the transcripts table) and as the scorers and the API see them.
import type { Transcript } from '../generated/prisma/client.ts';
import type { FluencyMeasures } from './fluency.ts';

export function fluencyOf(t: Transcript): FluencyMeasures {
  return {
    durationSeconds: t.durationSeconds,
    wordCount: t.wordCount,
    wordsPerMinute: t.wordsPerMinute,
    speechSeconds: t.speechSeconds,
    articulationRate: t.articulationRate,
    pauseCount: t.pauseCount,
    longPauseCount: t.longPauseCount,
    meanPauseSeconds: t.meanPauseSeconds,
    longestPauseSeconds: t.longestPauseSeconds,
    meanRunWords: t.meanRunWords,
    syllableCount: t.syllableCount,
    speakingSeconds: t.speakingSeconds,
    phonationSeconds: t.phonationSeconds,
    speechSyllablesPerSecond: t.speechSyllablesPerSecond,
    articulationSyllablesPerSecond: t.articulationSyllablesPerSecond,
    meanRunSyllables: t.meanRunSyllables,
    pausesPerMinute: t.pausesPerMinute,
    phonationTimeRatio: t.phonationTimeRatio,
    filledPauseCount: t.filledPauseCount,
    filledPausesPerMinute: t.filledPausesPerMinute,
  };
}

/** The public JSON shape of a transcript. */
export function presentTranscript(t: Transcript) {
  return {
    text: t.text,
    confidence: Math.round(t.confidence * 1000) / 1000,
    meanWordProbability: t.meanWordProbability === null ? null : Math.round(t.meanWordProbability * 1000) / 1000,
    provider: t.provider,
    model: t.model,
    fluency: fluencyOf(t),
    createdAt: t.createdAt.toISOString(),
  };
}
