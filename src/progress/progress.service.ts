// Reads a student's graded responses and summarises them per skill (src/progress/progress.ts).
import type { Skill } from '../domain/scores.ts';
import { NotFoundError } from '../lib/http/errors.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { skillProgress, type GradedResponse } from './progress.ts';
import type { ProgressView } from './progress.schemas.ts';

/** Responses looked at per student: the most recent ones. */
const historyLimit = 1000;

export async function progressOf(prisma: PrismaClient, studentId: string): Promise<ProgressView> {
  const student = await prisma.user.findUnique({ where: { id: studentId }, select: { role: true } });
  if (student?.role !== 'student') throw new NotFoundError('No student with this id.');
  // Prisma loads the related rows with further statements; one snapshot (REPEATABLE READ) keeps
  // a submission deleted meanwhile from leaving a result without its submission.
  const rows = await prisma.$transaction(
    (tx) =>
      tx.gradingResult.findMany({
        where: { isFinal: true, submission: { studentId, status: 'completed' } },
        select: {
          overall: true,
          createdAt: true,
          criteria: { select: { criterion: true, score: true } },
          submission: { select: { id: true, skill: true, task: true } },
        },
        orderBy: { createdAt: 'desc' },
        take: historyLimit,
      }),
    { isolationLevel: 'RepeatableRead' },
  );
  const responses: GradedResponse[] = rows.map((r) => ({
    submissionId: r.submission.id,
    skill: r.submission.skill,
    task: r.submission.task,
    overall: Number(r.overall),
    gradedAt: r.createdAt,
    criteria: Object.fromEntries(r.criteria.map((c) => [c.criterion, Number(c.score)])),
  }));
  const of = (skill: Skill) => skillProgress(responses.filter((r) => r.skill === skill));
  return { studentId, skills: { writing: of('writing'), speaking: of('speaking') } };
}
