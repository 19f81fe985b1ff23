import { describe, expect, it } from 'vitest';
import { isValidScore, speakingCriteria } from '../../src/domain/scores.ts';
import { scoreSpeakingWithBaseline } from '../../src/scoring/baseline-scorer.ts';
import { estimatePronunciation } from '../../src/scoring/speaking-rubric.ts';
import { UnscorableResponseError } from '../../src/scoring/scorer.ts';
import { isFilledPause, measureFluency, syllablesOf, withoutFilledPauses, type TimedWord } from '../../src/speech/fluency.ts';
import { hometownAnswer, hometownPrompt } from '../helpers/speech.ts';

const word = (text: string, start: number, end: number): TimedWord => ({ text, start, end, confidence: null });

describe('fluency measures', () => {
  it('when words come with timings, then rate, pauses (>= 0.25 s), long pauses (>= 1 s) and runs are measured', () => {
    const words = [word('i', 0, 0.2), word('like', 0.25, 0.5), word('my', 0.9, 1.0), word('city', 1.05, 1.4), word('very', 2.6, 2.9), word('much', 2.95, 3.2)];
    expect(measureFluency({ durationSeconds: 6, wordCount: 6, words })).toEqual({
      durationSeconds: 6,
      wordCount: 6,
      wordsPerMinute: 60,
      speechSeconds: 1.45,
      articulationRate: 248.3,
      pauseCount: 2,
      longPauseCount: 1,
      meanPauseSeconds: 0.8,
      longestPauseSeconds: 1.2,
      meanRunWords: 2,
      // i(1) like(1) my(1) city(2) very(2) much(1): 8 syllables over 3.2 s, 1.6 s of it silent pauses.
      syllableCount: 8,
      speakingSeconds: 3.2,
      phonationSeconds: 1.6,
      speechSyllablesPerSecond: 2.5,
      articulationSyllablesPerSecond: 5,
      meanRunSyllables: 2.7,
      pausesPerMinute: 37.5,
      phonationTimeRatio: 0.5,
      filledPauseCount: 0,
      filledPausesPerMinute: 0,
    });
  });

  it('when the recogniser writes filled pauses, then they are counted apart, not as words or syllables, and their sound is not a silent pause', () => {
    const words = [word('I', 0, 0.2), word('think,', 0.2, 0.6), word('um,', 0.6, 1.1), word('that', 1.1, 1.3), word('uh', 1.9, 2.3), word('students', 2.3, 2.9)];
    const f = measureFluency({ durationSeconds: 3, wordCount: 4, words });
    expect(f).toMatchObject({ filledPauseCount: 2, syllableCount: 5, pauseCount: 1, meanRunWords: 2, speakingSeconds: 2.9, phonationSeconds: 2.3 });
    expect(f.filledPausesPerMinute).toBeCloseTo(41.4, 1);
    expect(['uh', 'Um,', 'uhm', 'erm', 'Hmm.', 'ahh'].every(isFilledPause)).toBe(true);
    expect(['um-hum', 'umbrella', 'her', 'ah-ha', 'err.'].filter(isFilledPause)).toEqual(['err.']);
    expect(withoutFilledPauses('I think, um, that, uh, students should')).toBe('I think, that, students should');
    expect(['the', 'city', 'very', 'beautiful', 'students'].map(syllablesOf)).toEqual([1, 2, 2, 3, 2]);
    // Numbers as said: "twelve", "two thousand fifteen", "twenty first", "three p m".
    expect(['12', '2015,', '21st', '3pm'].map(syllablesOf)).toEqual([1, 5, 3, 2]);
  });

  it('when the recogniser writes a number as digits, then it is a sound with its syllables, not a silent gap', () => {
    const words = [word('In', 0, 0.2), word('2015,', 0.2, 1.1), word('I', 1.15, 1.3), word('moved.', 1.3, 1.7)];
    expect(measureFluency({ durationSeconds: 2, wordCount: 4, words })).toMatchObject({ pauseCount: 0, syllableCount: 1 + 5 + 1 + 1, speakingSeconds: 1.7, phonationTimeRatio: 1 });
  });

  it('when neither container nor recogniser states the length, then the speech rate is unknown (null), not zero', () => {
    expect(measureFluency({ durationSeconds: null, wordCount: 60, words: null })).toMatchObject({ durationSeconds: null, wordsPerMinute: null });
  });

  it('when the provider gives no timings, then only the speech rate is measured and the rest is null, not guessed', () => {
    expect(measureFluency({ durationSeconds: 30, wordCount: 60, words: null })).toMatchObject({
      wordsPerMinute: 120,
      speechSeconds: null,
      pauseCount: null,
      longPauseCount: null,
      meanRunWords: null,
      speechSyllablesPerSecond: null,
      meanRunSyllables: null,
      filledPauseCount: null,
    });
  });
});

describe('pronunciation', () => {
  it.each([
    [0, 2],
    [0.35, 5],
    [0.75, 8],
    [1, 10],
  ])('when the recogniser confidence is %s, then the estimate is %s, marked as estimated, with no invented evidence', (confidence, score) => {
    const p = estimatePronunciation(confidence, 'whisper');
    expect(p).toMatchObject({ score, estimated: true, evidence: [] });
    expect(p.feedback).toMatch(/Estimated, not assessed/);
  });
});

describe('speaking baseline', () => {
  const fluent = measureFluency({ durationSeconds: 35, wordCount: 78, words: null });
  const response = { task: 'part1' as const, prompt: hometownPrompt, transcript: hometownAnswer, fluency: fluent, transcriptionConfidence: 0.8, transcriptionProvider: 'openai' };

  it('when it scores a transcript, then all five speaking criteria get grid scores, pronunciation estimated, and the result is deterministic', () => {
    const outcome = scoreSpeakingWithBaseline(response);
    expect(Object.keys(outcome.criteria).sort()).toEqual([...speakingCriteria].sort());
    for (const c of Object.values(outcome.criteria)) expect(isValidScore(c.score)).toBe(true);
    expect(outcome.criteria.pronunciation).toMatchObject({ estimated: true, score: 8.5 });
    expect(outcome.signals.flags).toEqual([]);
    expect(scoreSpeakingWithBaseline(response)).toEqual(outcome);
  });

  it('when the answer is far shorter than the part needs, then it is flagged and scores less', () => {
    const short = { ...response, transcript: 'my hometown is small', fluency: measureFluency({ durationSeconds: 5, wordCount: 4, words: null }) };
    const outcome = scoreSpeakingWithBaseline(short);
    expect(outcome.signals.flags).toContain('far_below_word_minimum');
    expect(outcome.criteria.discourseManagement!.score).toBeLessThan(scoreSpeakingWithBaseline(response).criteria.discourseManagement!.score);
  });

  it('when long pauses break the speech up, then fluency drops', () => {
    const halting = Array.from({ length: 40 }, (_, i) => word('word', i * 2, i * 2 + 0.4));
    const choppy = scoreSpeakingWithBaseline({ ...response, fluency: measureFluency({ durationSeconds: 80, wordCount: 40, words: halting }) });
    const smooth = Array.from({ length: 40 }, (_, i) => word('word', i * 0.45, i * 0.45 + 0.4));
    const flowing = scoreSpeakingWithBaseline({ ...response, fluency: measureFluency({ durationSeconds: 19, wordCount: 40, words: smooth }) });
    expect(choppy.criteria.fluency!.score).toBeLessThan(flowing.criteria.fluency!.score - 3);
  });

  it('when the speech rate is unknown, then fluency is judged neutral on it, not as the slowest speaker', () => {
    const unknown = scoreSpeakingWithBaseline({ ...response, fluency: measureFluency({ durationSeconds: null, wordCount: 78, words: null }) });
    const crawling = scoreSpeakingWithBaseline({ ...response, fluency: measureFluency({ durationSeconds: 600, wordCount: 78, words: null }) });
    expect(unknown.criteria.fluency!.score).toBeGreaterThan(crawling.criteria.fluency!.score);
    expect(unknown.criteria.fluency!.feedback).toMatch(/Speech rate unknown/);
  });

  it('when the transcript has no English words, then it is unscorable', () => {
    expect(() => scoreSpeakingWithBaseline({ ...response, transcript: '... 123' })).toThrow(UnscorableResponseError);
  });
});
