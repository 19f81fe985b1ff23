// The platform's own rules, shared with the server so the console computes exactly what it does:
// the VSTEP overall (mean of criteria on the 0.5 grid, ties up), the level, word counts, the
// parts of each skill, when two marks differ, what the audit trail records.
export { criteriaFor, levelFor, overallScore, wordMinimum, isValidScore, tasks as allParts, tasksOf as partsOf } from '../../../src/domain/scores.ts';
export { words } from '../../../src/scoring/text-features.ts';
export { criterionGap, disagreementGap } from '../../../src/domain/moderation.ts';
export { auditActions } from '../../../src/domain/audit-actions.ts';
