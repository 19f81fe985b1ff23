// The offline scorer: deterministic, no language model, no network. Writing is scored by linear
// models over measured essay features (src/scoring/essay-features.ts), fitted to human ratings
// (src/scoring/offline-writing-model.ts); speaking by documented rules over the transcript and the
// measured delivery. Scores are clamped to 0-10 and rounded to the 0.5 grid. A writing score
// comes with its calibrated error (./calibration.ts): the probability that the overall is within
// ±1.0 of a human's, and an interval; speaking has no human-rated data to calibrate against, so
// its confidence is 0 and hybrid routing sends it to people. Text that tries to steer the
// grader is flagged (prompt_injection) by the detector the LLM scorer uses too (./injection.ts).
import { overallScore, toHalfPointGrid, wordMinimum } from '../domain/scores.ts';
import { confidenceOf } from '../domain/uncertainty.ts';
import { baseSignals, uncertaintyOf } from './calibration.ts';
import type { SecondOpinion } from './confidence.ts';
import type { CriterionAssessment, Scorer, ScoringOutcome, SpeakingResponse, WritingResponse } from './scorer.ts';
import { UnscorableResponseError } from './scorer.ts';
import { estimatePronunciation, pronunciationCaveat, speakingWordGuide } from './speaking-rubric.ts';
import { analyseEssay, type EssayAnalysis } from './essay-features.ts';
import { feedbackText } from './feedback-text.ts';
import { looksLikeInjection } from './injection.ts';
import { predictTraits, writingModel, type WritingModelFile } from './offline-writing-model.ts';
import { measure, words } from './text-features.ts';
import { isFilledPause, withoutFilledPauses } from '../speech/fluency.ts';

/** The speaking baseline's rules (2: syllable-based fluency, the writing features of the transcript). */
export const baselineVersion = 'baseline-2';
export const offlineProvider = 'offline-baseline';

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

/** The share of the expected length written (at most 1) and the injection, length and off-task flags. */
function lengthAndFlags(text: string, wordCount: number, expected: number, offTask: boolean): { length: number; flags: string[] } {
  const flags: string[] = [];
  if (looksLikeInjection(text)) flags.push('prompt_injection');
  if (wordCount < expected * 0.5) flags.push('far_below_word_minimum');
  else if (wordCount < expected) flags.push('below_word_minimum');
  if (offTask) flags.push('possibly_off_task');
  return { length: clamp01(wordCount / expected), flags };
}

/** The task the essay features' length scale is anchored to: ELLIPSE essays are Task 2-like. */
const referenceMinimum = wordMinimum.task2;


/**
 * A writing response scored with the fitted model (src/scoring/offline-writing-model.ts):
 * organisation, vocabulary and grammar from the models of the matching human-rated traits,
 * task fulfilment from the holistic model less up to 2 points when the response uses none of the
 * prompt's key words. Length counts relative to the task minimum, in the features and in `assess`.
 */
export function scoreAnalysedWriting(response: WritingResponse, analysis: EssayAnalysis, model: WritingModelFile = writingModel()): ScoringOutcome {
  return scoreAnalysedWritingWithSignals(response, analysis, model).outcome;
}

/** The outcome and the signals its calibration reads (the fitting script calibrates from them). */
export function scoreAnalysedWritingWithSignals(
  response: WritingResponse,
  analysis: EssayAnalysis,
  model: WritingModelFile = writingModel(),
): { outcome: ScoringOutcome; signals: Record<string, number> } {
  const f = measure(response.text, response.prompt);
  if (f.wordCount === 0 || analysis.wordCount === 0) throw new UnscorableResponseError('the response contains no English words');
  const minimum = wordMinimum[response.task];
  const { length, flags } = lengthAndFlags(response.text, f.wordCount, minimum, f.promptOverlap < 0.15);

  const traits = predictTraits(analysis.features, model);
  const coverage = clamp01(f.promptOverlap / 0.3);
  const { misspellings, grammarSlips, punctuationSlips, connectives } = analysis;
  const text = feedbackText[response.feedbackLanguage ?? 'en'];
  const criteria = {
    taskFulfilment: assess(traits.overall - 2 * (1 - coverage), length, text.taskFulfilment(f.wordCount, minimum, Math.round(f.promptOverlap * 100)), firstSentences(response.text, 1)),
    organisation: assess(traits.cohesion, length, text.organisation(analysis.paragraphCount, analysis.sentenceCount, connectives)),
    vocabulary: assess(traits.vocabulary, length, text.vocabulary(analysis.features.mattr.toFixed(2), misspellings), misspellings.slice(0, 3)),
    grammar: assess(traits.grammar, length, text.grammar(grammarSlips, punctuationSlips), grammarSlips.slice(0, 3)),
  };
  const overall = overallScore(criteria);
  const signals = baseSignals(overall, [traits.overall, traits.cohesion, traits.vocabulary, traits.grammar], f.wordCount, minimum);
  const uncertainty = model.uncertainty ? uncertaintyOf(model.uncertainty, overall, signals) : undefined;
  const outcome: ScoringOutcome = {
    criteria,
    feedback: text.writingSummary,
    confidence: confidenceOf(uncertainty),
    ...(uncertainty ? { uncertainty } : {}),
    signals: { wordCount: f.wordCount, wordMinimum: minimum, flags },
    provider: offlineProvider,
    model: null,
    version: model.version,
  };
  return { outcome, signals };
}

export function scoreWithBaseline(response: WritingResponse): ScoringOutcome {
  const analysis = analyseEssay(response.text, { lengthScale: referenceMinimum / wordMinimum[response.task] });
  return scoreAnalysedWriting(response, analysis);
}

/** Spoken discourse markers: sequencing, adding, contrasting, exemplifying, concluding, opining. */
const discourseMarkers = [
  'first', 'firstly', 'second', 'secondly', 'then', 'next', 'finally', 'also', 'besides', 'moreover', 'however',
  'on the other hand', 'for example', 'for instance', 'such as', 'in my opinion', 'i think', 'i believe',
  'in conclusion', 'to sum up', 'as a result', 'that is why', 'another', 'in addition', 'actually', 'anyway',
];

/**
 * The speaking baseline: the same idea as the writing one, on a transcript plus the fluency
 * measures (src/speech/fluency.ts). Grammar and vocabulary use the writing scorer's own features
 * of the transcript (subordination, verb-form variety, common grammar slips; lexical diversity,
 * word rarity). Fluency scores a speech rate of 3.3 syllables a second or more as fluent (ramping
 * from 1.5), runs of 12 syllables between pauses, a phonation-time ratio near 0.9 and few filled
 * pauses; a missing measure counts as neutral. Pronunciation is the recogniser-confidence estimate.
 */
export function scoreSpeakingWithBaseline(response: SpeakingResponse): ScoringOutcome {
  const tokens = words(response.transcript).filter((t) => !isFilledPause(t));
  if (tokens.length === 0) throw new UnscorableResponseError('the transcript contains no English words');
  const spokenText = withoutFilledPauses(response.transcript);
  const f = measure(spokenText, response.prompt);
  const analysis = analyseEssay(spokenText);
  const x = analysis.features;
  const fl = response.fluency;
  const guide = speakingWordGuide[response.task];
  const { length, flags } = lengthAndFlags(response.transcript, tokens.length, guide, f.promptOverlap < 0.1);

  const spoken = ` ${tokens.join(' ')} `;
  const markers = discourseMarkers.filter((m) => spoken.includes(` ${m} `)).length;
  const neutral = (value: number | null, score: (v: number) => number) => (value === null ? 0.5 : score(value));
  const minutes = (fl.durationSeconds ?? 0) / 60;
  const rate =
    fl.speechSyllablesPerSecond !== null
      ? clamp01((fl.speechSyllablesPerSecond - 1.5) / 1.8)
      : neutral(fl.wordsPerMinute, (wpm) => (wpm >= 110 && wpm <= 160 ? 1 : wpm < 110 ? clamp01((wpm - 50) / 60) : clamp01(1 - (wpm - 160) / 80)));
  const runs = fl.meanRunSyllables !== null ? clamp01((fl.meanRunSyllables - 3) / 9) : neutral(fl.meanRunWords, (r) => clamp01((r - 2) / 8));
  const pauses =
    fl.phonationTimeRatio !== null
      ? clamp01((fl.phonationTimeRatio - 0.5) / 0.4)
      : fl.longPauseCount === null || minutes <= 0 ? 0.5 : 1 - clamp01(fl.longPauseCount / minutes / 6);
  const hesitation = neutral(fl.filledPausesPerMinute, (perMinute) => 1 - clamp01(perMinute / 12));

  const grammar = 1 + 3 * clamp01(x.subord_per100 / 6) + 2 * clamp01((x.verb_form_variety - 1) / 4) + 2 * runs + 2 * (1 - clamp01(x.log_grammar_errs / 2.5));
  const vocabulary = 1 + 3 * clamp01((x.mattr - 0.55) / 0.4) + 3 * clamp01((6 - x.mean_zipf_types) / 2) + 3 * clamp01(x.rare_word_share / 0.4);
  const fluency = 1 + 3.5 * rate + 2.5 * runs + 1.5 * pauses + 1.5 * hesitation;
  const discourse = 1 + 5 * clamp01(markers / 5) + 4 * clamp01(f.promptOverlap / 0.4);
  const quote = tokens.slice(0, 20).join(' ');

  const language = response.feedbackLanguage ?? 'en';
  const text = feedbackText[language];
  const criteria = {
    grammar: assess(grammar, length, text.speakingGrammar(x.subord_per100.toFixed(1), fl.meanRunSyllables?.toFixed(1) ?? null, analysis.grammarSlips), analysis.grammarSlips.length ? analysis.grammarSlips.slice(0, 3) : [quote]),
    vocabulary: assess(vocabulary, length, text.speakingVocabulary(x.mattr.toFixed(2), Math.round(x.rare_word_share * 100))),
    pronunciation: estimatePronunciation(response.transcriptionConfidence, response.transcriptionProvider, language),
    fluency: assess(fluency, length, text.fluency(fl)),
    discourseManagement: assess(discourse, length, text.discourse(tokens.length, guide, markers, Math.round(f.promptOverlap * 100))),
  };
  return {
    criteria,
    feedback: `${text.speakingSummary} ${pronunciationCaveat[language]}`,
    confidence: 0,
    signals: { wordCount: tokens.length, wordMinimum: guide, flags },
    provider: offlineProvider,
    model: null,
    version: baselineVersion,
  };
}

/** The offline scorer's overall (and calibrated error) for an essay, or undefined when it cannot score it. */
export function offlineOpinionOf(response: WritingResponse): SecondOpinion | undefined {
  try {
    const outcome = scoreWithBaseline(response);
    return { overall: overallScore(outcome.criteria), ...(outcome.uncertainty ? { uncertainty: outcome.uncertainty } : {}) };
  } catch (error) {
    if (error instanceof UnscorableResponseError) return undefined;
    throw error;
  }
}

export class BaselineScorer implements Scorer {
  readonly provider = offlineProvider;
  async scoreWriting(response: WritingResponse): Promise<ScoringOutcome> {
    return scoreWithBaseline(response);
  }
  async scoreSpeaking(response: SpeakingResponse): Promise<ScoringOutcome> {
    return scoreSpeakingWithBaseline(response);
  }
}
