// A completed submission's result changes only by a new version (an override, or an appeal that
// changed it): the previous version stays, no longer final; the student sees the latest. Each
// change is an event on the live feed and an audit record, in the same transaction.
import { criteriaFor, levelFor, overallScore, type Skill } from '../domain/scores.ts';
import type { Prisma } from '../lib/prisma.ts';
import { appendEvent } from '../submissions/submission.repository.ts';
import { recordAudit } from '../audit/audit.ts';

export type Scores = Record<string, { score: number; feedback?: string }>;

/** The submission's current final result, with its criterion scores; locks the submission row first. */
export async function currentResult(tx: Prisma.TransactionClient, submissionId: string) {
  const rows = await tx.$queryRaw<{ status: string; skill: Skill }[]>`SELECT status, skill FROM submissions WHERE id = ${submissionId}::uuid FOR UPDATE`;
  const row = rows[0];
  if (!row) return null;
  const result = await tx.gradingResult.findFirst({ where: { submissionId, isFinal: true }, include: { criteria: true } });
  return { status: row.status, skill: row.skill, result };
}

export type CurrentResult = NonNullable<Awaited<ReturnType<typeof currentResult>>>;

/** A result's scores as a mark's: { criterion: { score, feedback? } }. */
export function scoresOf(result: NonNullable<CurrentResult['result']>): Scores {
  return Object.fromEntries(result.criteria.map((c) => [c.criterion, { score: Number(c.score), ...(c.feedback ? { feedback: c.feedback } : {}) }]));
}

/** Whether two sets of scores give every criterion the same score. */
export const sameScores = (a: Scores, b: Scores) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([name, c]) => b[name]?.score === c.score);

export interface NewVersion {
  source: 'override' | 'appeal';
  criteria: Scores;
  feedback: string;
  reason: string;
  actorId: string;
  /** The appeal it decides, for the audit record. */
  appealId?: string;
}

/**
 * Adds the next version of a completed submission's result and makes it the one shown. `current`
 * comes from currentResult in the same transaction (the row is locked). Answers the new version.
 */
export async function addResultVersion(tx: Prisma.TransactionClient, submissionId: string, current: CurrentResult, change: NewVersion): Promise<{ version: number; overall: number; level: string | null }> {
  const previous = current.result!;
  const names = criteriaFor[current.skill];
  const criteria = Object.fromEntries(names.map((n) => [n, change.criteria[n]!]));
  const overall = overallScore(criteria);
  const level = levelFor(overall);
  const last = await tx.gradingResult.aggregate({ where: { submissionId }, _max: { version: true } });
  const version = (last._max.version ?? 0) + 1;
  await tx.gradingResult.updateMany({ where: { submissionId, isFinal: true }, data: { isFinal: false } });
  await tx.gradingResult.create({
    data: {
      submission: { connect: { id: submissionId } },
      version,
      source: change.source,
      isFinal: true,
      overall,
      level,
      feedback: change.feedback,
      reason: change.reason,
      provider: 'human',
      scorerVersion: 'human-review',
      graderId: change.actorId,
      criteria: { create: names.map((criterion) => ({ criterion, score: criteria[criterion]!.score, evidence: [], feedback: criteria[criterion]!.feedback ?? null })) },
    },
  });
  await appendEvent(tx, submissionId, 'result_changed', { version, previousVersion: previous.version, overall, level, source: change.source });
  await recordAudit(tx, {
    actorId: change.actorId,
    action: change.source === 'override' ? 'result.overridden' : 'appeal.decided',
    submissionId,
    subjectId: change.appealId ?? null,
    before: { version: previous.version, source: previous.source, overall: Number(previous.overall), level: previous.level, criteria: scoresOf(previous) },
    after: { version, source: change.source, overall, level, criteria, reason: change.reason },
  });
  return { version, overall, level };
}
