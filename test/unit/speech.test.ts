import { describe, expect, it } from 'vitest';
import { isValidScore, speakingCriteria } from '../../src/domain/scores.ts';
import { scoreSpeakingWithBaseline } from '../../src/scoring/baseline-scorer.ts';
import { estimatePronunciation } from '../../src/scoring/speaking-rubric.ts';
import { UnscorableResponseError } from '../../src/scoring/scorer.ts';
import { measureFluency, type TimedWord } from '../../src/speech/fluency.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probeAudioFile } from '../../src/speech/audio-format.ts';
import { decodeWavForRecogniser, loudness } from '../../src/speech/pcm.ts';
import { parsePocketSphinxOutput } from '../../src/speech/pocketsphinx-transcriber.ts';
import { hometownAnswer, hometownPrompt, pcmWav } from '../helpers/speech.ts';

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
    });
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
    });
  });
});

describe('PocketSphinx output', () => {
  it('when the recogniser prints word timings, then fillers, silences and markers are dropped and alternates are normalised', () => {
    const output = ['i think because', '<s> 0.000 0.020 0.998301', 'i 0.030 0.100 0.400995', '<sil> 0.570 0.780 0.975112', 'think 0.110 0.440 0.410490', '[NOISE] 0.5 0.6 0.9', 'because(3) 2.190 2.540 0.772418', '</s> 11.840 12.140 1.000000', 'the(2) 10.010 10.150 1.000500'].join('\n');
    expect(parsePocketSphinxOutput(output)).toEqual([
      { text: 'i', start: 0.03, end: 0.1, confidence: 0.400995 },
      { text: 'think', start: 0.11, end: 0.44, confidence: 0.41049 },
      { text: 'because', start: 2.19, end: 2.54, confidence: 0.772418 },
      { text: 'the', start: 10.01, end: 10.15, confidence: 1 },
    ]);
  });
});

describe('loudness', () => {
  it('when a recording is silent or a tone, then the seconds of sound say which', () => {
    const silence = new Float32Array(16_000 * 2);
    expect(loudness(silence).soundSeconds).toBe(0);
    const tone = Float32Array.from({ length: 16_000 * 2 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16_000));
    const profile = loudness(tone);
    expect(profile.soundSeconds).toBeGreaterThan(1.9);
    expect(profile.peakDb).toBeCloseTo(-13.5, 0);
  });
});

describe('reading a WAV without ffmpeg', () => {
  /** One second of a sine tone as 16-bit mono PCM WAV. */
  function tone(hz: number, rate: number): string {
    const data = Buffer.alloc(rate * 2);
    for (let i = 0; i < rate; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 0.5 * 32767), i * 2);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vstep-tone-')), `${hz}.wav`);
    writeFileSync(file, pcmWav(data, rate));
    return file;
  }
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / x.length);

  it('when a 44.1 kHz recording is brought to 16 kHz, then speech frequencies pass and those above 8 kHz are filtered, not folded back', async () => {
    const read = async (hz: number) => {
      const file = tone(hz, 44_100);
      return decodeWavForRecogniser(file, await probeAudioFile(file));
    };
    const voice = await read(1000);
    expect(voice.length).toBe(16_000);
    expect(rms(voice)).toBeGreaterThan(0.3); // a 0.5 sine: 0.35
    // 10 kHz cannot be represented at 16 kHz; without a low-pass filter it would come back as a 6 kHz tone.
    expect(rms(await read(10_000))).toBeLessThan(0.05);
  });
});

describe('pronunciation', () => {
  it.each([
    [0, 2],
    [0.35, 5],
    [0.75, 8],
    [1, 10],
  ])('when the recogniser confidence is %s, then the estimate is %s, marked as estimated, with no invented evidence', (confidence, score) => {
    const p = estimatePronunciation(confidence, 'pocketsphinx');
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
