// The offline baseline scorer: deterministic, no model, no network. Each criterion is a
// documented linear function of text features (src/scoring/text-features.ts), clamped to 0-10
// and rounded to the 0.5 grid. It is a floor, not a rater: its confidence is reported as low,
// so hybrid routing sends its borderline results to people.
import { toHalfPointGrid, wordMinimum } from '../domain/scores.ts';
import type { CriterionAssessment, Scorer, ScoringOutcome, WritingResponse } from './scorer.ts';
import { UnscorableResponseError } from './scorer.ts';
import { measure } from './text-features.ts';

export const baselineVersion = 'baseline-1';

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function firstSentences(text: string, n: number): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, n)
    .map((s) => (s.length > 160 ? `${s.slice(0, 157)}...` : s));
}

/**
 * Below the task's word minimum every criterion shrinks towards 1 in proportion to the length
 * written: a response a third of the required length cannot show full control of anything.
 */
function assess(raw: number, length: number, feedback: string, evidence: string[] = []): CriterionAssessment {
  return { score: toHalfPointGrid(1 + (raw - 1) * length), evidence, feedback };
}

export function scoreWithBaseline(response: WritingResponse): ScoringOutcome {
  const f = measure(response.text, response.prompt);
  if (f.wordCount === 0) throw new UnscorableResponseError('the response contains no English words');
  const minimum = wordMinimum[response.task];
  const length = clamp01(f.wordCount / minimum);
  const flags: string[] = [];
  if (f.wordCount < minimum * 0.5) flags.push('far_below_word_minimum');
  else if (f.wordCount < minimum) flags.push('below_word_minimum');
  if (f.promptOverlap < 0.15) flags.push('possibly_off_task');

  // Raw criterion scores on 1-10 from length-independent features; `assess` applies length.
  const taskFulfilment = 3 + 7 * clamp01(f.promptOverlap / 0.5);
  const organisation =
    1 + 4 * clamp01(f.linkingDevices / 6) + 3 * clamp01((f.paragraphCount - 1) / 3) + 2 * clamp01(f.sentenceCount / 10);
  const vocabulary = 1 + 6 * clamp01((f.lexicalDiversity - 0.45) / 0.35) + 3 * clamp01(f.longWordShare / 0.25);
  const slips = (f.capitalisationSlips + f.doubledWords) / Math.max(1, f.sentenceCount);
  const grammar =
    1 + 4 * clamp01(f.sentenceLengthSpread / 8) + 3 * clamp01((f.meanSentenceLength - 6) / 12) + 2 * (1 - clamp01(slips * 2));

  const quotes = firstSentences(response.text, 2);
  const criteria = {
    taskFulfilment: assess(
      taskFulfilment,
      length,
      `${f.wordCount} words against a minimum of ${minimum}; uses ${Math.round(f.promptOverlap * 100)}% of the prompt's key words.`,
      quotes.slice(0, 1),
    ),
    organisation: assess(
      organisation,
      length,
      `${f.paragraphCount} paragraph(s), ${f.sentenceCount} sentence(s), ${f.linkingDevices} different linking device(s).`,
    ),
    vocabulary: assess(
      vocabulary,
      length,
      `Lexical diversity ${f.lexicalDiversity.toFixed(2)} (moving type-token ratio); ${Math.round(f.longWordShare * 100)}% long words.`,
    ),
    grammar: assess(
      grammar,
      length,
      `Mean sentence length ${f.meanSentenceLength.toFixed(1)} words; ${f.capitalisationSlips + f.doubledWords} capitalisation or doubled-word slip(s).`,
      quotes.slice(1, 2),
    ),
  };
  return {
    criteria,
    feedback:
      'Scored by the offline baseline from measurable features (length, prompt coverage, paragraphing, ' +
      'linking devices, lexical diversity, sentence variety). It cannot judge meaning or accuracy in depth.',
    confidence: 0.35,
    signals: { wordCount: f.wordCount, wordMinimum: minimum, flags },
    provider: 'offline-baseline',
    model: null,
    version: baselineVersion,
  };
}

export class BaselineScorer implements Scorer {
  readonly provider = 'offline-baseline';
  async scoreWriting(response: WritingResponse): Promise<ScoringOutcome> {
    return scoreWithBaseline(response);
  }
}
