// The submission lifecycle: exactly five states and the only moves between them.
// The database enforces the same table with a trigger (see the init migration); a test keeps
// the two in step.

export const submissionStatuses = ['pending', 'processing', 'completed', 'review_pending', 'failed'] as const;
export type SubmissionStatus = (typeof submissionStatuses)[number];

export const transitions: Readonly<Record<SubmissionStatus, readonly SubmissionStatus[]>> = {
  pending: ['processing'],
  processing: ['completed', 'review_pending', 'failed'],
  review_pending: ['completed'],
  failed: ['pending'],
  completed: [],
};

export function canTransition(from: SubmissionStatus, to: SubmissionStatus): boolean {
  return transitions[from].includes(to);
}

/** The states a submission may be in for a move to `to` to be legal. */
export function allowedSources(to: SubmissionStatus): SubmissionStatus[] {
  return submissionStatuses.filter((from) => canTransition(from, to));
}

export function isTerminal(status: SubmissionStatus): boolean {
  return transitions[status].length === 0;
}
