import { describe, expect, it } from 'vitest';
import {
  allowedSources,
  canTransition,
  isTerminal,
  submissionStatuses,
  type SubmissionStatus,
} from '../../src/domain/lifecycle.ts';

// The lifecycle as the product defines it (five states, docs/architecture.md), written out
// independently of the implementation.
const allowed = new Set([
  'pending>processing',
  'processing>completed',
  'processing>review_pending',
  'processing>failed',
  'review_pending>completed',
  'failed>pending',
]);

const pairs = submissionStatuses.flatMap((from) => submissionStatuses.map((to) => [from, to] as const));

describe('submission lifecycle', () => {
  it('has exactly the five states', () => {
    expect([...submissionStatuses].sort()).toEqual(['completed', 'failed', 'pending', 'processing', 'review_pending']);
  });

  it.each(pairs)('when moving %s -> %s, then it is allowed only if the spec lists it', (from, to) => {
    expect(canTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
  });

  it('when asked which states may move to a target, then it lists exactly the legal sources', () => {
    const expected: Record<SubmissionStatus, SubmissionStatus[]> = {
      pending: ['failed'],
      processing: ['pending'],
      completed: ['processing', 'review_pending'],
      review_pending: ['processing'],
      failed: ['processing'],
    };
    for (const to of submissionStatuses) expect(allowedSources(to).sort()).toEqual(expected[to].sort());
  });

  it('when a submission is completed, then nothing can follow', () => {
    expect(submissionStatuses.filter(isTerminal)).toEqual(['completed']);
  });
});
