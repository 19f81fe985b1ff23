// The gradings whose histories are kept in test/fixtures/histories and replayed against the
// current workflow code in CI (test/integration/workflow-replay.test.ts). Recorded with
// `npm run record:histories` on a Temporal dev server, stub activities, search attributes on.
import type { Scenario } from './harness.ts';

export interface HistoryScenario {
  /** The fixture's file name, without .json. */
  name: string;
  scenario: Scenario;
  /** The grader completes the review once the workflow awaits it. */
  reviewed?: boolean;
  /** Milliseconds to wait, with the review open, before completing it (lets a short timer fire). */
  waitMs?: number;
  /** A double-marked grading: the score each marking gets, in the order they open (distinct markers). */
  marks?: number[];
}

export const historyScenarios: HistoryScenario[] = [
  { name: 'writing-auto-completed', scenario: { skill: 'writing', mode: 'auto' } },
  { name: 'writing-auto-unscorable-failed', scenario: { skill: 'writing', mode: 'auto', scoring: 'unusable' } },
  { name: 'writing-hybrid-second-opinion-reviewed', scenario: { skill: 'writing', mode: 'hybrid', draft: { confidence: 0.3, within: null }, second: 6, policy: { secondOpinion: true } }, reviewed: true },
  { name: 'writing-hybrid-scoring-failed-reviewed', scenario: { skill: 'writing', mode: 'hybrid', scoring: 'fails', policy: { maxRetries: 1 } }, reviewed: true },
  { name: 'writing-human-overdue-and-sla-escalated', scenario: { skill: 'writing', mode: 'human', slaSeconds: 2, policy: { reviewDueSeconds: 1 } }, reviewed: true, waitMs: 3000 },
  { name: 'speaking-auto-completed', scenario: { skill: 'speaking', mode: 'auto' } },
  { name: 'speaking-auto-unusable-reviewed', scenario: { skill: 'speaking', mode: 'auto', transcription: 'unusable' }, reviewed: true },
  { name: 'speaking-auto-transcription-failed', scenario: { skill: 'speaking', mode: 'auto', transcription: 'fails' } },
  { name: 'writing-human-double-marked-adjudicated', scenario: { skill: 'writing', mode: 'human', doubleMarked: true, policy: { adjudicationThreshold: 1 } }, marks: [5, 7, 6] },
  // Calibrated routing (the patch `calibrated-routing`): a confident calibration is final, a wide one at a boundary is reviewed.
  { name: 'writing-hybrid-calibrated-final', scenario: { skill: 'writing', mode: 'hybrid' } },
  { name: 'writing-hybrid-calibrated-boundary-reviewed', scenario: { skill: 'writing', mode: 'hybrid', draft: { score: 6, within: [0.4, 0.8, 0.98, 1, 1] } }, reviewed: true },
  { name: 'writing-hybrid-double-marked-averaged', scenario: { skill: 'writing', mode: 'hybrid', doubleMarked: true, draft: { confidence: 0.3, within: null }, policy: { adjudicationThreshold: 1 } }, marks: [6, 6.5] },
];
