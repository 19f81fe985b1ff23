// Word error rate, its normalisation and the recognition calibration fit, against values worked
// out by hand; and the shipped speech set is well formed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  countFilledPauses,
  errorRate,
  filledPauseRecall,
  formatSpeechTable,
  normaliseForWer,
  numberToWords,
  parseSphinxTranscription,
  speechSetSchema,
  summarise,
  wer,
  wordErrors,
  type RecordingResult,
} from '../../src/evaluation/speech-eval.ts';
import { spokenText } from '../../src/evaluation/speech-synthesis.ts';
import { calibratedConfidence, expectedWer, fitRecognitionCalibration } from '../../src/speech/recognition-calibration.ts';

describe('normalising transcripts for WER', () => {
  it('when text has case, punctuation, hyphens and abbreviations, then only the words are left', () => {
    expect(normaliseForWer('Mr. Dashwood was an ill-disposed, cold–hearted man!')).toBe('mister dashwood was an ill disposed cold hearted man');
    expect(normaliseForWer("  Mrs Smith's  café;  Dr. Brown… ")).toBe("missus smith's cafe doctor brown");
  });

  it('when numbers are written as digits, then they are the words that were said', () => {
    expect(normaliseForWer('Go forward, 10 meters.')).toBe('go forward ten meters');
    expect(normaliseForWer('25% of 1,000 people on the 21st, 2.5 hours')).toBe('twenty five percent of one thousand people on the twenty first two point five hours');
    expect([0, 7, 13, 40, 99, 100, 101, 342, 1905].map(numberToWords)).toEqual([
      'zero', 'seven', 'thirteen', 'forty', 'ninety nine', 'one hundred', 'one hundred one', 'three hundred forty two', 'one thousand nine hundred five',
    ]);
    expect(normaliseForWer('room 007')).toBe('room zero zero seven');
  });

  it('when filled pauses, contractions or British spellings differ, then both sides read the same', () => {
    expect(normaliseForWer('Um, I think, uh, it’s in the centre. Erm, they aren’t.')).toBe('i think it is in the center they are not');
    expect(normaliseForWer("I can't, I cannot, I won't, we're, I've, I'm, you'll")).toBe('i can not i can not i will not we are i have i am you will');
    expect(normaliseForWer('my favourite colour, travelling')).toBe(normaliseForWer('my favorite color, traveling'));
  });

  it('when a transcript holds fillers, then they are counted however they are punctuated', () => {
    expect(countFilledPauses('Um, there are, uh, many. Er... hmm')).toBe(4);
    expect(countFilledPauses('umbrella under her')).toBe(0);
  });
});

describe('word errors', () => {
  it('when the transcript matches after normalising, then there are no errors', () => {
    expect(wordErrors('go forward ten meters', 'Go forward, 10 meters.')).toEqual({ substitutions: 0, deletions: 0, insertions: 0, referenceWords: 4 });
    expect(wer('I like it', 'I, um, like it.')).toBe(0);
  });

  it('when the transcript writes a compound as two words, then it is the reference\'s one word', () => {
    expect(wer('I use my smartphone in my hometown', 'I use my smart phone in my home town')).toBe(0);
    // The reference is never joined: "use less" heard as "useless" is a substitution and a deletion.
    expect(wordErrors('we use less plastic', 'we useless plastic')).toEqual({ substitutions: 1, deletions: 1, insertions: 0, referenceWords: 4 });
    // Joined only into a word the other side has: "motor mics" for "motorbikes" stays two errors.
    expect(wordErrors('instead of motorbikes', 'instead of motor mics')).toEqual({ substitutions: 1, deletions: 0, insertions: 1, referenceWords: 3 });
  });

  it('when a word is missing, then it is one deletion: 1/6', () => {
    expect(wordErrors('the cat sat on the mat', 'the cat sat on mat')).toEqual({ substitutions: 0, deletions: 1, insertions: 0, referenceWords: 6 });
    expect(wer('the cat sat on the mat', 'the cat sat on mat')).toBeCloseTo(1 / 6, 12);
  });

  it('when a word is wrong and one added, then it is one substitution and one insertion: 2/3', () => {
    expect(wordErrors('a b c', 'a x c d')).toEqual({ substitutions: 1, deletions: 0, insertions: 1, referenceWords: 3 });
    expect(wer('a b c', 'a x c d')).toBeCloseTo(2 / 3, 12);
  });

  it('when alignments tie, then substitutions are counted first, and WER can exceed 1', () => {
    // "a b" → "c d e": 2 substitutions + 1 insertion (not 2 deletions + 3 insertions).
    expect(wordErrors('a b', 'c d e')).toEqual({ substitutions: 2, deletions: 0, insertions: 1, referenceWords: 2 });
    expect(wer('a b', 'c d e')).toBe(1.5);
  });

  it('when nothing was recognised, then every word is a deletion; an empty reference has no WER', () => {
    expect(wordErrors('one two three', '')).toEqual({ substitutions: 0, deletions: 3, insertions: 0, referenceWords: 3 });
    expect(wer('one two three', '')).toBe(1);
    expect(() => errorRate(wordErrors('', 'hello'))).toThrow(RangeError);
  });
});

const result = (over: Partial<RecordingResult>): RecordingResult => ({
  condition: 'c',
  item: 'x',
  reference: '',
  hypothesis: '',
  errors: { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 10 },
  wer: 0,
  audioSeconds: 10,
  transcribeSeconds: 1,
  rtf: 0.1,
  cpuSeconds: null,
  meanWordProbability: 0.9,
  confidence: 0.9,
  fillersSpoken: 0,
  fillersWritten: 0,
  failure: null,
  ...over,
});

describe('per-condition summary', () => {
  it('when recordings differ in length, then WER is pooled over words, not averaged over recordings', () => {
    const s = summarise('c', [
      result({ errors: { substitutions: 1, deletions: 0, insertions: 0, referenceWords: 10 }, rtf: 0.1, meanWordProbability: 0.8 }),
      result({ errors: { substitutions: 0, deletions: 3, insertions: 1, referenceWords: 30 }, rtf: 0.3, meanWordProbability: 0.6 }),
      result({ errors: { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 20 }, rtf: 0.2, meanWordProbability: null }),
    ]);
    expect(s).toMatchObject({ recordings: 3, words: 60, substitutions: 1, deletions: 3, insertions: 1, medianRtf: 0.2, filledPauseRecall: null });
    expect(s.wer).toBeCloseTo(5 / 60, 12);
    expect(s.meanWordProbability).toBeCloseTo(0.7, 12);
    expect(formatSpeechTable([s])).toContain('| c         |          3 |    60 |   8.3 |       1/3/1 |      0.200 |     1.00 |             n/a |       0.700 |');
  });

  it('when fillers were spoken, then recall counts written ones up to those spoken, per recording', () => {
    // 2 of 2, then 0 of 2; the 3 written where 1 was spoken count as 1: (2 + 0 + 1) / 5.
    expect(filledPauseRecall([
      { fillersSpoken: 2, fillersWritten: 2 },
      { fillersSpoken: 2, fillersWritten: 0 },
      { fillersSpoken: 1, fillersWritten: 3 },
    ])).toBeCloseTo(3 / 5, 12);
    expect(filledPauseRecall([{ fillersSpoken: 0, fillersWritten: 1 }])).toBeNull();
  });
});

describe('the speech set', () => {
  const set = speechSetSchema.parse(JSON.parse(readFileSync(new URL('../../src/evaluation/speech-set.json', import.meta.url), 'utf8')));

  it('when it is read, then every hesitant variant says the text\'s words, with fillers to recall', () => {
    expect(set.texts.length).toBeGreaterThanOrEqual(10);
    for (const t of set.texts) {
      const words = t.text.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(15);
      expect(words).toBeLessThanOrEqual(40);
      expect(countFilledPauses(t.hesitant)).toBeGreaterThan(0);
    }
    expect(set.conditions.map((c) => c.id)).toContain('en-us-150');
  });

  it('when the pauses are inserted, then espeak-ng reads SSML with 700 ms breaks', () => {
    const text = { id: 't', topic: '', level: '', text: 'I like it here.', hesitant: 'I like it, [pause] um, here.' };
    const condition = { id: 'c', voice: 'en-us', speed: 150, pauses: 'inserted' as const, noise: null };
    expect(spokenText(text, condition)).toEqual({ input: '<speak>I like it, <break time="700ms"/> um, here.</speak>', ssml: true });
    expect(spokenText(text, { ...condition, pauses: 'none' })).toEqual({ input: 'I like it here.', ssml: false });
  });

  it('when the hesitant variant changes a word, then the set is refused', () => {
    const bad = { ...set, texts: [{ ...set.texts[0]!, hesitant: `${set.texts[0]!.hesitant} extra` }] };
    expect(speechSetSchema.safeParse(bad).success).toBe(false);
  });

  it('when Sphinx transcriptions are read, then each line gives its file id and words', () => {
    const parsed = parseSphinxTranscription('<s> ten of clubs  </s> (001)\n<s> he was not an ill disposed young man </s> (book-0880)\n\n');
    expect([...parsed]).toEqual([['001', 'ten of clubs'], ['book-0880', 'he was not an ill disposed young man']]);
  });
});

describe('recognition calibration fit', () => {
  it('when WER rises with probability somewhere, then those recordings are pooled, weighted by their words', () => {
    const fit = fitRecognitionCalibration('whisper-tiny.en', 'hand', [
      { meanWordProbability: 0.95, wer: 0.05, words: 10 },
      { meanWordProbability: 0.5, wer: 0.4, words: 10 },
      { meanWordProbability: 0.8, wer: 0.1, words: 20 },
      { meanWordProbability: 0.6, wer: 0.5, words: 10 },
      { meanWordProbability: 0.9, wer: 0, words: 10 },
    ]);
    // 0.5 and 0.6: (0.4·10 + 0.5·10) / 20 = 0.45; 0.9 and 0.95: (0 + 0.05·10) / 20 = 0.025.
    expect(fit.steps).toEqual([
      { from: 0.5, wer: 0.45, recordings: 2, words: 20 },
      { from: 0.8, wer: 0.1, recordings: 1, words: 20 },
      { from: 0.9, wer: 0.025, recordings: 2, words: 20 },
    ]);
    expect(expectedWer(fit, 0.3)).toBe(0.45);
    expect(expectedWer(fit, 0.85)).toBe(0.1);
    expect(calibratedConfidence(fit, 0.99)).toBeCloseTo(0.975, 12);
  });

  it('when steps rest on fewer recordings than the minimum, then neighbours pool until each has enough, and WER still never rises', () => {
    const samples = [0.5, 0.6, 0.7, 0.8, 0.9].map((p, i) => ({ meanWordProbability: p, wer: [0.5, 0.4, 0.3, 0.2, 0.1][i]!, words: 10 }));
    const fit = fitRecognitionCalibration('m', 'hand', samples, { minRecordings: 2 });
    // (0.5, 0.4) → 0.45; (0.3, 0.2) → 0.25; 0.1 alone is too few and joins the step before: (0.3 + 0.2 + 0.1) / 3 = 0.2.
    expect(fit.steps).toEqual([
      { from: 0.5, wer: 0.45, recordings: 2, words: 20 },
      { from: 0.7, wer: 0.2, recordings: 3, words: 30 },
    ]);
  });

  it('when a pooled pair differs in length, then the longer recording weighs more: (0.2·30 + 0.5·10) / 40', () => {
    const fit = fitRecognitionCalibration('m', 'hand', [
      { meanWordProbability: 0.7, wer: 0.2, words: 30 },
      { meanWordProbability: 0.8, wer: 0.5, words: 10 },
    ]);
    expect(fit.steps).toEqual([{ from: 0.7, wer: 0.275, recordings: 2, words: 40 }]);
  });

  it('when fitted on many noisy recordings, then the steps rise in probability and never rise in WER', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 200 }, () => {
      const p = 0.4 + 0.6 * random();
      return { meanWordProbability: p, wer: Math.max(0, 1 - p + (random() - 0.5) * 0.4), words: 10 + Math.floor(random() * 30) };
    });
    const fit = fitRecognitionCalibration('m', 'random', samples);
    for (let i = 1; i < fit.steps.length; i++) {
      expect(fit.steps[i]!.from).toBeGreaterThan(fit.steps[i - 1]!.from);
      expect(fit.steps[i]!.wer).toBeLessThanOrEqual(fit.steps[i - 1]!.wer);
    }
    expect(fit.steps.reduce((s, x) => s + x.recordings, 0)).toBe(200);
    expect(fit.steps.reduce((s, x) => s + x.words, 0)).toBe(samples.reduce((s, x) => s + x.words, 0));
    expect(fit.steps.length).toBeGreaterThan(1);
  });

  it('when there is nothing to fit, then it refuses', () => {
    expect(() => fitRecognitionCalibration('m', 'none', [])).toThrow();
  });
});
