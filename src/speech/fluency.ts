// Fluency measures from a recogniser's word timings. Pauses are silent gaps between words of at
// least 0.25 s (the threshold fluency research settled on: shorter gaps are articulation, not
// hesitation); long pauses last a second or more. Without timings only the speech rate over the
// whole recording can be measured, and the other measures are null, never guessed.

export interface TimedWord {
  text: string;
  /** Seconds from the start of the recording. */
  start: number;
  end: number;
  /** 0-1 recogniser probability, when it gives one. */
  confidence: number | null;
}

export interface FluencyMeasures {
  /** Null when the length of the recording is not known. */
  durationSeconds: number | null;
  wordCount: number;
  /** Words per minute of recording (null without a duration). */
  wordsPerMinute: number | null;
  /** Seconds spent saying words. */
  speechSeconds: number | null;
  /** Words per minute of speech time (pauses excluded). */
  articulationRate: number | null;
  pauseCount: number | null;
  longPauseCount: number | null;
  meanPauseSeconds: number | null;
  longestPauseSeconds: number | null;
  /** Mean number of words between pauses (length of fluent runs). */
  meanRunWords: number | null;
}

export const pauseThresholdSeconds = 0.25;
export const longPauseSeconds = 1;

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

export function measureFluency(
  { durationSeconds, wordCount, words }: { durationSeconds: number | null; wordCount: number; words: readonly TimedWord[] | null },
): FluencyMeasures {
  const minutes = durationSeconds !== null && durationSeconds > 0 ? durationSeconds / 60 : null;
  const base = {
    durationSeconds: durationSeconds === null ? null : round(durationSeconds),
    wordCount,
    wordsPerMinute: minutes === null ? null : round(wordCount / minutes, 1),
  };
  if (!words || words.length === 0) {
    return { ...base, speechSeconds: null, articulationRate: null, pauseCount: null, longPauseCount: null, meanPauseSeconds: null, longestPauseSeconds: null, meanRunWords: null };
  }
  const ordered = [...words].sort((a, b) => a.start - b.start);
  const speech = ordered.reduce((sum, w) => sum + Math.max(0, w.end - w.start), 0);
  const pauses: number[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const gap = ordered[i]!.start - ordered[i - 1]!.end;
    if (gap >= pauseThresholdSeconds) pauses.push(gap);
  }
  return {
    ...base,
    speechSeconds: round(speech),
    articulationRate: speech > 0 ? round(ordered.length / (speech / 60), 1) : null,
    pauseCount: pauses.length,
    longPauseCount: pauses.filter((p) => p >= longPauseSeconds).length,
    meanPauseSeconds: pauses.length ? round(pauses.reduce((a, b) => a + b, 0) / pauses.length) : 0,
    longestPauseSeconds: pauses.length ? round(Math.max(...pauses)) : 0,
    meanRunWords: round(ordered.length / (pauses.length + 1), 1),
  };
}
