// Fluency measures from a recogniser's word timings, as the fluency literature defines them
// (docs/scoring.md, "Fluency measures", cites each):
// - speech rate: syllables per second of speaking time (first word to last word), de Jong &
//   Wempe (2009);
// - articulation rate: syllables per second of phonation time, i.e. speaking time without the
//   silent pauses (de Jong & Wempe 2009);
// - silent pauses: gaps between words of at least 0.25 s (de Jong & Bosker 2013 found 250 ms the
//   threshold that best predicts rated fluency); long pauses last a second or more;
// - mean length of run: syllables between silent pauses (Towell, Hawkins & Bazergui 1996;
//   Kormos & Dénes 2004);
// - phonation-time ratio: phonation time over speaking time (Towell et al. 1996);
// - filled pauses: "uh", "um", "er" and the like, as the recogniser wrote them. They are counted
//   apart and left out of words and syllables.
// Without timings only the words per minute over the whole recording can be measured. The other
// measures are then null, never guessed.
import { syllable } from 'syllable';
import { numberToWords, ones } from './number-words.ts';

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
  /** Seconds spent saying words (the sum of the words' own durations). */
  speechSeconds: number | null;
  /** Words per minute of those seconds. */
  articulationRate: number | null;
  pauseCount: number | null;
  longPauseCount: number | null;
  meanPauseSeconds: number | null;
  longestPauseSeconds: number | null;
  /** Mean number of words between pauses (length of fluent runs). */
  meanRunWords: number | null;
  /** Syllables in the words said (filled pauses left out). */
  syllableCount: number | null;
  /** From the first word's start to the last word's end. */
  speakingSeconds: number | null;
  /** Speaking time less the silent pauses. */
  phonationSeconds: number | null;
  /** Speech rate: syllables per second of speaking time. */
  speechSyllablesPerSecond: number | null;
  /** Articulation rate: syllables per second of phonation time. */
  articulationSyllablesPerSecond: number | null;
  /** Mean length of run: syllables between silent pauses. */
  meanRunSyllables: number | null;
  /** Silent pauses per minute of speaking time. */
  pausesPerMinute: number | null;
  /** Phonation time over speaking time (0-1). */
  phonationTimeRatio: number | null;
  filledPauseCount: number | null;
  filledPausesPerMinute: number | null;
}

export const pauseThresholdSeconds = 0.25;
export const longPauseSeconds = 1;

/** "uh", "uhm", "um", "er", "erm", "eh", "ah", "hmm", "mm", however lengthened. */
const filler = /^(?:u+h+m*|u+m+|e+r+m*|e+h+|a+h+|h+m+|m{2,})$/;

/** A token's letters and digits (a number is a sound too: "I'm 19"). */
const bare = (text: string) => text.toLowerCase().replace(/[^a-z0-9']/g, '');

export const isFilledPause = (text: string) => filler.test(bare(text));

/** The transcript without its filled pauses (and the comma Whisper writes after one). */
export const withoutFilledPauses = (text: string) =>
  text
    .split(/\s+/)
    .filter((token) => token && !isFilledPause(token))
    .join(' ');

/**
 * Syllables in one written word (an English heuristic). A number counts as said in full
 * ("2019": two thousand nineteen); digits mixed with letters ("21st", "3pm") count per part.
 */
export function syllablesOf(text: string): number {
  const token = bare(text);
  if (!token) return 0;
  // An ordinal's ending is part of the number's last word ("21st": twenty first).
  return (token.replace(/([0-9])(?:st|nd|rd|th)\b/g, '$1').match(/[0-9]+|[a-z']+/g) ?? []).reduce((sum, part) => {
    if (!/^[0-9]+$/.test(part)) return sum + syllable(part);
    const n = Number(part);
    const spoken = n < 1e9 && !(part.length > 1 && part.startsWith('0')) ? numberToWords(n) : [...part].map((d) => ones[Number(d)]).join(' ');
    return sum + syllable(spoken);
  }, 0);
}

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

const untimed = {
  speechSeconds: null,
  articulationRate: null,
  pauseCount: null,
  longPauseCount: null,
  meanPauseSeconds: null,
  longestPauseSeconds: null,
  meanRunWords: null,
  syllableCount: null,
  speakingSeconds: null,
  phonationSeconds: null,
  speechSyllablesPerSecond: null,
  articulationSyllablesPerSecond: null,
  meanRunSyllables: null,
  pausesPerMinute: null,
  phonationTimeRatio: null,
  filledPauseCount: null,
  filledPausesPerMinute: null,
} as const;

export function measureFluency(
  { durationSeconds, wordCount, words }: { durationSeconds: number | null; wordCount: number; words: readonly TimedWord[] | null },
): FluencyMeasures {
  const minutes = durationSeconds !== null && durationSeconds > 0 ? durationSeconds / 60 : null;
  const base = {
    durationSeconds: durationSeconds === null ? null : round(durationSeconds),
    wordCount,
    wordsPerMinute: minutes === null ? null : round(wordCount / minutes, 1),
  };
  const tokens = (words ?? []).filter((w) => bare(w.text)).sort((a, b) => a.start - b.start);
  const said = tokens.filter((w) => !isFilledPause(w.text));
  if (said.length === 0) return { ...base, ...untimed };

  // Pauses are silences between any two sounds, a filled pause included.
  const pauses: number[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const gap = tokens[i]!.start - tokens[i - 1]!.end;
    if (gap >= pauseThresholdSeconds) pauses.push(gap);
  }
  const speech = said.reduce((sum, w) => sum + Math.max(0, w.end - w.start), 0);
  const syllables = said.reduce((sum, w) => sum + syllablesOf(w.text), 0);
  const speaking = Math.max(0, Math.max(...tokens.map((w) => w.end)) - tokens[0]!.start);
  const paused = pauses.reduce((a, b) => a + b, 0);
  const phonation = Math.max(0, speaking - paused);
  const speakingMinutes = speaking / 60;
  const filled = tokens.length - said.length;
  return {
    ...base,
    speechSeconds: round(speech),
    articulationRate: speech > 0 ? round(said.length / (speech / 60), 1) : null,
    pauseCount: pauses.length,
    longPauseCount: pauses.filter((p) => p >= longPauseSeconds).length,
    meanPauseSeconds: pauses.length ? round(paused / pauses.length) : 0,
    longestPauseSeconds: pauses.length ? round(Math.max(...pauses)) : 0,
    meanRunWords: round(said.length / (pauses.length + 1), 1),
    syllableCount: syllables,
    speakingSeconds: round(speaking),
    phonationSeconds: round(phonation),
    speechSyllablesPerSecond: speaking > 0 ? round(syllables / speaking) : null,
    articulationSyllablesPerSecond: phonation > 0 ? round(syllables / phonation) : null,
    meanRunSyllables: round(syllables / (pauses.length + 1), 1),
    pausesPerMinute: speakingMinutes > 0 ? round(pauses.length / speakingMinutes, 1) : null,
    phonationTimeRatio: speaking > 0 ? round(phonation / speaking, 3) : null,
    filledPauseCount: filled,
    filledPausesPerMinute: speakingMinutes > 0 ? round(filled / speakingMinutes, 1) : null,
  };
}
