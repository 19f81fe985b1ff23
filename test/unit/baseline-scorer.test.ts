import { describe, expect, it } from 'vitest';
import { isValidScore, writingCriteria } from '../../src/domain/scores.ts';
import { scoreWithBaseline } from '../../src/scoring/baseline-scorer.ts';
import { writingModel } from '../../src/scoring/offline-writing-model.ts';
import { UnscorableResponseError } from '../../src/scoring/scorer.ts';
import { essayPrompt, holidayLetter, holidayPrompt, onlineLearningEssay } from '../../src/testing/essays.ts';

const mean = (o: ReturnType<typeof scoreWithBaseline>) =>
  Object.values(o.criteria).reduce((sum, c) => sum + c.score, 0) / writingCriteria.length;

describe('offline baseline scorer', () => {
  it('when it scores a response, then every writing criterion gets a 0-10 half-point score with feedback', () => {
    const outcome = scoreWithBaseline({ task: 'task2', prompt: essayPrompt, text: onlineLearningEssay });
    expect(Object.keys(outcome.criteria).sort()).toEqual([...writingCriteria].sort());
    for (const c of Object.values(outcome.criteria)) {
      expect(isValidScore(c.score)).toBe(true);
      expect(c.feedback.length).toBeGreaterThan(10);
    }
    expect(outcome.provider).toBe('offline-baseline');
    expect(outcome.version).toBe(writingModel().version);
  });

  it('when the same response is scored twice, then the results are identical', () => {
    const input = { task: 'task1' as const, prompt: holidayPrompt, text: holidayLetter };
    expect(scoreWithBaseline(input)).toEqual(scoreWithBaseline(input));
  });

  it('when a response is far below the word minimum and careless, then it scores below a full, varied one', () => {
    const full = scoreWithBaseline({ task: 'task1', prompt: holidayPrompt, text: holidayLetter });
    const short = scoreWithBaseline({ task: 'task1', prompt: holidayPrompt, text: 'i like holiday. i go beach. it is good good.' });
    expect(mean(short)).toBeLessThan(mean(full));
    expect(short.signals.flags).toContain('far_below_word_minimum');
    expect(full.signals.flags).not.toContain('below_word_minimum');
  });

  it('when a response ignores the prompt, then it is flagged as possibly off-task', () => {
    const outcome = scoreWithBaseline({ task: 'task2', prompt: essayPrompt, text: holidayLetter });
    expect(outcome.signals.flags).toContain('possibly_off_task');
  });

  it('when the same words are written longer, accurately and with more variety, then no criterion scores lower', () => {
    // Same task and prompt: a short, misspelt, repetitive answer against the full, correct letter.
    const careless =
      'Dear Lan, i am writting to tell you about my holliday. i go to the beach wiht my famly. it is very very good. ' +
      'we eat many thing and he have fun. i like it becuse it is good. see you soon';
    const short = scoreWithBaseline({ task: 'task1', prompt: holidayPrompt, text: careless });
    const full = scoreWithBaseline({ task: 'task1', prompt: holidayPrompt, text: holidayLetter });
    for (const criterion of writingCriteria) expect(full.criteria[criterion]!.score).toBeGreaterThanOrEqual(short.criteria[criterion]!.score);
    expect(mean(full)).toBeGreaterThan(mean(short));
    // What it found is quoted back as evidence.
    expect(short.criteria.vocabulary!.evidence).toEqual(expect.arrayContaining(['writting']));
    expect(short.criteria.grammar!.feedback).toMatch(/many thing|he have/);
  });

  it('when a letter is repeated with its spelling slips corrected, then vocabulary and grammar do not drop', () => {
    const misspelt = onlineLearningEssay.replace(/\bbecause\b/g, 'becuase').replace(/\bstudents\b/g, 'studens');
    const clean = scoreWithBaseline({ task: 'task2', prompt: essayPrompt, text: onlineLearningEssay });
    const slips = scoreWithBaseline({ task: 'task2', prompt: essayPrompt, text: misspelt });
    expect(misspelt).not.toBe(onlineLearningEssay);
    expect(clean.criteria.vocabulary!.score).toBeGreaterThanOrEqual(slips.criteria.vocabulary!.score);
    expect(mean(clean)).toBeGreaterThanOrEqual(mean(slips));
  });

  it('when British spelling is used, then it is not counted as misspelt', () => {
    const outcome = scoreWithBaseline({ task: 'task2', prompt: essayPrompt, text: `${onlineLearningEssay}\n\nThe colour and behaviour of a programme can be organised.` });
    expect(outcome.criteria.vocabulary!.feedback).not.toMatch(/colour|behaviour|programme|organised/);
  });

  it('when a response has no English words, then it is unscorable', () => {
    expect(() => scoreWithBaseline({ task: 'task1', prompt: holidayPrompt, text: '12345 ... !!!' })).toThrow(
      UnscorableResponseError,
    );
  });
});
