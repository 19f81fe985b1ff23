// createActivities(deps): every activity the grading worker runs, with its dependencies
// injected so tests pass in what they need.
import { createAppealActivities } from './appeal.activities.ts';
import { createPersistenceActivities, type PersistenceDeps } from './persistence.activities.ts';
import { createReviewActivities } from './review.activities.ts';
import { createScoringActivities, type ScoringDeps } from './scoring.activities.ts';
import { createTranscriptionActivities, type TranscriptionDeps } from './transcription.activities.ts';

export type ActivityDeps = PersistenceDeps & ScoringDeps & TranscriptionDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPersistenceActivities(deps),
    ...createReviewActivities(deps),
    ...createAppealActivities(deps),
    ...createScoringActivities(deps),
    ...createTranscriptionActivities(deps),
  };
}

export type GradingActivities = ReturnType<typeof createActivities>;
