import { describe, expect, it } from 'vitest';
import { legacyRoute, nearBoundary, priorityFor, route, type RoutingInput } from '../../src/domain/routing.ts';
import { tolerances } from '../../src/domain/uncertainty.ts';

const rules = { minConfidence: 0.6, disagreementMargin: 1, boundaryMargin: 0.5, minTranscriptionConfidence: 0.5, offlineDisagreementMargin: 2 };
const hybrid = (over: Partial<RoutingInput> = {}): RoutingInput => ({ mode: 'hybrid', overall: 7, confidence: 0.9, flags: [], ...over });

describe('legacy hybrid routing (workflows started before calibrated routing replay with it)', () => {
  it('when a transcript is recognised confidently, or exactly at the minimum, or there is none, then its confidence sends nothing to review', () => {
    expect(legacyRoute(hybrid({ transcriptionConfidence: 0.8 }), rules).needsReview).toBe(false);
    expect(legacyRoute(hybrid({ transcriptionConfidence: 0.5 }), rules).needsReview).toBe(false);
    expect(legacyRoute(hybrid({ transcriptionConfidence: undefined }), { ...rules, minTranscriptionConfidence: 1 }).needsReview).toBe(false);
  });

  it('when no AI draft exists because the audio is unusable or recognition failed, then the review is high priority', () => {
    expect(priorityFor(['unusable_audio'])).toBe('high');
    expect(priorityFor(['human_mode', 'transcription_failed'])).toBe('high');
  });

  it('when a confident, clean result sits mid-band, then it is final', () => {
    expect(legacyRoute(hybrid(), rules)).toEqual({ needsReview: false, reasons: [], priority: 'low' });
  });

  it.each([
    [3.5, true], [4, true], [4.5, false], [5, false], [5.5, true], [6, true], [6.5, false], [7.5, false], [8, true], [8.5, true], [9, false], [10, false], [3, false],
  ])('when the overall is %s, then near a level boundary is %s', (overall, near) => {
    expect(nearBoundary(overall, 0.5)).toBe(near);
    expect(legacyRoute(hybrid({ overall }), rules).reasons.includes('near_level_boundary')).toBe(near);
  });

  it.each([
    ['low confidence', { confidence: 0.4 }, 'low_confidence', 'medium'],
    ['independent scorings 1.5 apart', { secondOverall: 5.5 }, 'scorers_disagree', 'medium'],
    ['a prompt-injection attempt', { flags: ['prompt_injection'] }, 'prompt_injection', 'high'],
    ['an off-task response', { flags: ['off_task'] }, 'off_task', 'medium'],
    ['a response far below the word minimum', { flags: ['far_below_word_minimum'] }, 'far_below_word_minimum', 'medium'],
    ['a transcript the recogniser was unsure of', { transcriptionConfidence: 0.3 }, 'low_transcription_confidence', 'medium'],
    ['an offline score 2.5 below the LLM', { offlineOverall: 4.5 }, 'offline_scorer_disagrees', 'medium'],
    ['an offline score 2.5 above the LLM', { offlineOverall: 9.5 }, 'offline_scorer_disagrees', 'medium'],
  ])('when the result has %s, then it goes to review', (_case, over, reason, priority) => {
    const decision = legacyRoute(hybrid(over), rules);
    expect(decision.needsReview).toBe(true);
    expect(decision.reasons).toContain(reason);
    expect(decision.priority).toBe(priority);
  });

  it('when independent scorings are exactly the margin apart, then they agree', () => {
    expect(legacyRoute(hybrid({ secondOverall: 6 }), rules).reasons).not.toContain('scorers_disagree');
    expect(legacyRoute(hybrid({ offlineOverall: 5 }), rules).needsReview).toBe(false);
  });

  it('when there is no offline second opinion (the offline scorer graded it), then its rule sends nothing to review', () => {
    expect(legacyRoute(hybrid({ offlineOverall: undefined }), { ...rules, offlineDisagreementMargin: 0 }).needsReview).toBe(false);
  });

  it('when the mode is auto, then low confidence, boundaries and quality flags send nothing to review', () => {
    expect(legacyRoute({ mode: 'auto', overall: 6, confidence: 0.1, flags: ['off_task', 'far_below_word_minimum'], secondOverall: 2 }, rules).needsReview).toBe(false);
  });

  it.each(['auto', 'hybrid', 'human'] as const)('when a response tries to instruct the grader in %s mode, then a person reviews it at high priority', (mode) => {
    const decision = legacyRoute({ mode, overall: 9, confidence: 0.99, flags: ['prompt_injection'] }, rules);
    expect(decision).toMatchObject({ needsReview: true, priority: 'high' });
    expect(decision.reasons).toContain('prompt_injection');
  });

  it('when the mode is human, then everything goes to review, at low priority unless something else is wrong', () => {
    expect(legacyRoute({ mode: 'human', overall: 7, confidence: 0.9, flags: [] }, rules)).toEqual({
      needsReview: true, reasons: ['human_mode'], priority: 'low',
    });
    expect(legacyRoute({ mode: 'human', overall: 6, confidence: 0.9, flags: [] }, rules).priority).toBe('medium');
  });

  it('when scoring failed or the SLA was breached, then the priority is high', () => {
    expect(priorityFor(['scoring_failed'])).toBe('high');
    expect(priorityFor(['human_mode', 'sla_breached'])).toBe('high');
  });
});

/** A calibrated error estimate with P(within t) for each tolerance 0, 0.5, 1, 1.5, 2. */
const within = (...p: number[]) => ({ within: p });
const calibrated = { ...rules, autoAcceptProbability: 0.95 };

describe('calibrated hybrid routing', () => {
  it('when the calibrated probability of being within ±1.0 of a human reaches the accept probability, then a mid-band result is final', () => {
    expect(tolerances).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(route(hybrid({ uncertainty: within(0.3, 0.6, 0.95, 0.99, 1) }), calibrated)).toEqual({ needsReview: false, reasons: [], priority: 'low' });
    expect(route(hybrid({ uncertainty: within(0.3, 0.6, 0.949, 0.99, 1) }), calibrated)).toMatchObject({ needsReview: true, reasons: ['low_confidence'], priority: 'medium' });
  });

  it('when the scorer is not calibrated for the answer, then nothing is final in hybrid mode', () => {
    expect(route(hybrid({ confidence: 0.99 }), calibrated)).toMatchObject({ needsReview: true, reasons: ['uncalibrated'] });
  });

  it("when the model's own confidence is high but the calibration is not, then the calibration decides", () => {
    expect(route(hybrid({ confidence: 1, uncertainty: within(0, 0, 0.5, 0.7, 0.9) }), calibrated).reasons).toEqual(['low_confidence']);
  });

  it.each([
    ['near a boundary with a narrow interval (±0.5 reaches the accept probability)', 6, within(0.5, 0.96, 0.99, 1, 1), false],
    ['near a boundary with a wide interval', 6, within(0.4, 0.8, 0.97, 1, 1), true],
    ['mid-band with the same wide interval', 7, within(0.4, 0.8, 0.97, 1, 1), false],
  ])('when the result is %s, then near_level_boundary is %s', (_case, overall, uncertainty, reviewed) => {
    const decision = route(hybrid({ overall, uncertainty }), calibrated);
    expect(decision.needsReview).toBe(reviewed);
    expect(decision.reasons.includes('near_level_boundary')).toBe(reviewed);
  });

  it('when the accept probability is lowered, then more is final, and the rule applies with no other change', () => {
    const u = within(0.2, 0.5, 0.82, 0.9, 1);
    expect(route(hybrid({ uncertainty: u }), calibrated).needsReview).toBe(true);
    expect(route(hybrid({ uncertainty: u }), { ...rules, autoAcceptProbability: 0.8 }).needsReview).toBe(false);
  });

  it.each([
    ['a prompt-injection attempt', { flags: ['prompt_injection'] }, 'prompt_injection', 'high'],
    ['an off-task response', { flags: ['off_task'] }, 'off_task', 'medium'],
    ['a response far below the word minimum', { flags: ['far_below_word_minimum'] }, 'far_below_word_minimum', 'medium'],
    ['a transcript the recogniser was unsure of', { transcriptionConfidence: 0.3 }, 'low_transcription_confidence', 'medium'],
    ['independent scorings 1.5 apart', { secondOverall: 5.5 }, 'scorers_disagree', 'medium'],
  ])('when a certain result has %s, then it still goes to review', (_case, over, reason, priority) => {
    const decision = route(hybrid({ uncertainty: within(1, 1, 1, 1, 1), ...over }), calibrated);
    expect(decision.needsReview).toBe(true);
    expect(decision.reasons).toContain(reason);
    expect(decision.priority).toBe(priority);
  });

  it('when the mode is auto or human, then calibration changes nothing: auto trusts the scorer, human always reviews', () => {
    expect(route({ mode: 'auto', overall: 6, confidence: 0, flags: ['off_task'] }, calibrated).needsReview).toBe(false);
    expect(route({ mode: 'auto', overall: 9, confidence: 1, flags: ['prompt_injection'], uncertainty: within(1, 1, 1, 1, 1) }, calibrated).reasons).toEqual(['prompt_injection']);
    expect(route({ mode: 'human', overall: 7, confidence: 1, flags: [], uncertainty: within(1, 1, 1, 1, 1) }, calibrated)).toEqual({ needsReview: true, reasons: ['human_mode'], priority: 'low' });
  });
});
