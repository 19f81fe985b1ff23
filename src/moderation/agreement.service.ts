// Loads what rater agreement needs (src/moderation/agreement.ts) for a filter. The period
// applies to when the submission was made (its createdAt), not to when it was marked, so a
// submission's marks, draft and result are always judged together. Only the columns used are
// read, and criterion scores only for submissions with an AI draft; all in one snapshot
// (REPEATABLE READ), so a mark and the result it is compared with belong together.
import type { Skill, Task } from '../domain/scores.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import { agreementReport, humanSources, type AgreementReport, type MarkedSubmission, type ResultSource } from './agreement.ts';
import type { RaterAgreementView } from './agreement.schemas.ts';

export interface AgreementFilter {
  from?: Date;
  to?: Date;
  skill?: Skill;
  task?: Task;
}

const aiDraft = { version: 0, source: 'ai' } as const satisfies Prisma.GradingResultWhereInput;

const submissionsIn = (filter: AgreementFilter): Prisma.SubmissionWhereInput => ({
  ...(filter.from || filter.to ? { createdAt: { gte: filter.from, lt: filter.to } } : {}),
  ...(filter.skill ? { skill: filter.skill } : {}),
  ...(filter.task ? { task: filter.task } : {}),
});

type Graders = Map<string, { name: string; email: string }>;

/** The submissions of the filter that have a mark or an AI draft, and the graders who marked them. */
export async function loadMarkedSubmissions(prisma: PrismaClient, filter: AgreementFilter): Promise<{ submissions: MarkedSubmission[]; graders: Graders }> {
  const where = submissionsIn(filter);
  const [marks, results, criteria, adjudications, users] = await prisma.$transaction(
    async (tx) => {
      const marks = await tx.mark.findMany({ where: { submission: where }, select: { submissionId: true, graderId: true, kind: true, overall: true } });
      const results = await tx.gradingResult.findMany({
        where: { submission: { ...where, OR: [{ marks: { some: {} } }, { results: { some: aiDraft } }] }, OR: [{ isFinal: true }, aiDraft] },
        select: { id: true, submissionId: true, version: true, source: true, isFinal: true, overall: true },
      });
      const criteria = await tx.criterionScore.findMany({
        where: { result: { OR: [aiDraft, { isFinal: true, source: { in: [...humanSources] } }], submission: { ...where, results: { some: aiDraft } } } },
        select: { resultId: true, criterion: true, score: true },
      });
      const adjudications = await tx.reviewTask.findMany({
        where: { kind: 'adjudication', status: { not: 'cancelled' }, submission: where },
        select: { submissionId: true },
      });
      const graderIds = [...new Set(marks.flatMap((m) => (m.graderId ? [m.graderId] : [])))];
      const users = await tx.user.findMany({ where: { id: { in: graderIds } }, select: { id: true, name: true, email: true } });
      return [marks, results, criteria, adjudications, users] as const;
    },
    { isolationLevel: 'RepeatableRead', timeout: 30_000 },
  );

  const scoresOf = new Map<string, Record<string, number>>();
  for (const c of criteria) {
    const scores = scoresOf.get(c.resultId) ?? {};
    scores[c.criterion] = Number(c.score);
    scoresOf.set(c.resultId, scores);
  }
  const byId = new Map<string, MarkedSubmission & { marks: MarkedSubmission['marks'][number][] }>();
  const submission = (id: string) => {
    let s = byId.get(id);
    if (!s) byId.set(id, (s = { id, marks: [], adjudicated: false, final: null, aiDraft: null }));
    return s;
  };
  for (const m of marks) submission(m.submissionId).marks.push({ graderId: m.graderId, kind: m.kind, overall: Number(m.overall) });
  for (const r of results) {
    const scores = { overall: Number(r.overall), criteria: scoresOf.get(r.id) ?? {} };
    if (r.isFinal) submission(r.submissionId).final = { ...scores, source: r.source as ResultSource };
    else if (r.version === 0 && r.source === 'ai') submission(r.submissionId).aiDraft = scores;
  }
  for (const a of adjudications) submission(a.submissionId).adjudicated = true;
  return { submissions: [...byId.values()], graders: new Map(users.map((u) => [u.id, { name: u.name, email: u.email }])) };
}

export function presentAgreement(report: AgreementReport, graders: Graders, filter: AgreementFilter): RaterAgreementView {
  return {
    filter: { from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, skill: filter.skill ?? null, task: filter.task ?? null },
    // In one snapshot a mark's grader id always names a user (deleting one sets it null).
    graders: report.graders.flatMap(({ graderId, ...figures }) => {
      const user = graders.get(graderId);
      return user ? [{ id: graderId, ...user, ...figures }] : [];
    }),
    humanHuman: report.humanHuman,
    humanAi: report.humanAi,
  };
}

export async function raterAgreement(prisma: PrismaClient, filter: AgreementFilter): Promise<RaterAgreementView> {
  const { submissions, graders } = await loadMarkedSubmissions(prisma, filter);
  return presentAgreement(agreementReport(submissions), graders, filter);
}
