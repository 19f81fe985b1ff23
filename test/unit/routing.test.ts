import { describe, expect, it } from 'vitest';
import { nearBoundary, priorityFor, route, type RoutingInput } from '../../src/domain/routing.ts';

const rules = { minConfidence: 0.6, disagreementMargin: 1, boundaryMargin: 0.5, minTranscriptionConfidence: 0.5, offlineDisagreementMargin: 2 };
const hybrid = (over: Partial<RoutingInput> = {}): RoutingInput => ({ mode: 'hybrid', overall: 7, confidence: 0.9, flags: [], ...over });

describe('hybrid routing', () => {
  it('when a transcript is recognised confidently, or exactly at the minimum, or there is none, then its confidence sends nothing to review', () => {
    expect(route(hybrid({ transcriptionConfidence: 0.8 }), rules).needsReview).toBe(false);
    expect(route(hybrid({ transcriptionConfidence: 0.5 }), rules).needsReview).toBe(false);
    expect(route(hybrid({ transcriptionConfidence: undefined }), { ...rules, minTranscriptionConfidence: 1 }).needsReview).toBe(false);
  });

  it('when no AI draft exists because the audio is unusable or recognition failed, then the review is high priority', () => {
    expect(priorityFor(['unusable_audio'])).toBe('high');
    expect(priorityFor(['human_mode', 'transcription_failed'])).toBe('high');
  });

  it('when a confident, clean result sits mid-band, then it is final', () => {
    expect(route(hybrid(), rules)).toEqual({ needsReview: false, reasons: [], priority: 'low' });
  });

  it.each([
    [3.5, true], [4, true], [4.5, false], [5, false], [5.5, true], [6, true], [6.5, false], [7.5, false], [8, true], [8.5, true], [9, false], [10, false], [3, false],
  ])('when the overall is %s, then near a level boundary is %s', (overall, near) => {
    expect(nearBoundary(overall, 0.5)).toBe(near);
    expect(route(hybrid({ overall }), rules).reasons.includes('near_level_boundary')).toBe(near);
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
    const decision = route(hybrid(over), rules);
    expect(decision.needsReview).toBe(true);
    expect(decision.reasons).toContain(reason);
    expect(decision.priority).toBe(priority);
  });

  it('when independent scorings are exactly the margin apart, then they agree', () => {
    expect(route(hybrid({ secondOverall: 6 }), rules).reasons).not.toContain('scorers_disagree');
    expect(route(hybrid({ offlineOverall: 5 }), rules).needsReview).toBe(false);
  });

  it('when there is no offline second opinion (the offline scorer graded it), then its rule sends nothing to review', () => {
    expect(route(hybrid({ offlineOverall: undefined }), { ...rules, offlineDisagreementMargin: 0 }).needsReview).toBe(false);
  });

  it('when the mode is auto, then low confidence, boundaries and quality flags send nothing to review', () => {
    expect(route({ mode: 'auto', overall: 6, confidence: 0.1, flags: ['off_task', 'far_below_word_minimum'], secondOverall: 2 }, rules).needsReview).toBe(false);
  });

  it.each(['auto', 'hybrid', 'human'] as const)('when a response tries to instruct the grader in %s mode, then a person reviews it at high priority', (mode) => {
    const decision = route({ mode, overall: 9, confidence: 0.99, flags: ['prompt_injection'] }, rules);
    expect(decision).toMatchObject({ needsReview: true, priority: 'high' });
    expect(decision.reasons).toContain('prompt_injection');
  });

  it('when the mode is human, then everything goes to review, at low priority unless something else is wrong', () => {
    expect(route({ mode: 'human', overall: 7, confidence: 0.9, flags: [] }, rules)).toEqual({
      needsReview: true, reasons: ['human_mode'], priority: 'low',
    });
    expect(route({ mode: 'human', overall: 6, confidence: 0.9, flags: [] }, rules).priority).toBe('medium');
  });

  it('when scoring failed or the SLA was breached, then the priority is high', () => {
    expect(priorityFor(['scoring_failed'])).toBe('high');
    expect(priorityFor(['human_mode', 'sla_breached'])).toBe('high');
  });
});
