// Exam attempts: a student groups responses into one sitting; each skill's score is computed
// (src/domain/scores.ts skillScore) once all of its tasks are graded.
import type { Principal } from '../auth/access-tokens.ts';
import { levelFor, skillScore, skills, tasksOf, type Skill, type Task } from '../domain/scores.ts';
import { BadRequestError, ForbiddenError } from '../lib/http/errors.ts';
import type { PrismaClient } from '../lib/prisma.ts';

const attemptInclude = {
  submissions: {
    select: {
      id: true,
      skill: true,
      task: true,
      status: true,
      createdAt: true,
      results: { where: { isFinal: true }, select: { overall: true, level: true, createdAt: true } },
    },
  },
} as const;

type AttemptRecord = NonNullable<Awaited<ReturnType<PrismaClient['attempt']['findUnique']>>> & {
  submissions: Array<{
    id: string;
    skill: Skill;
    task: Task;
    status: string;
    createdAt: Date;
    results: Array<{ overall: unknown; level: string | null; createdAt: Date }>;
  }>;
};

/** The public JSON shape of an attempt: per task, then per skill with its score once complete. */
export function presentAttempt(a: AttemptRecord) {
  const view = Object.fromEntries(
    skills.map((skill) => {
      const tasks = Object.fromEntries(
        tasksOf[skill].map((task) => {
          const s = a.submissions.find((x) => x.task === task);
          const result = s?.results[0];
          return [
            task,
            s
              ? { submissionId: s.id, status: s.status, overall: result ? Number(result.overall) : null, level: result?.level ?? null, gradedAt: result?.createdAt.toISOString() ?? null }
              : null,
          ];
        }),
      ) as Record<string, { overall: number | null } | null>;
      const scores = Object.fromEntries(
        Object.entries(tasks).flatMap(([task, t]) => (t?.overall !== null && t?.overall !== undefined ? [[task, t.overall]] : [])),
      ) as Partial<Record<Task, number>>;
      const score = skillScore(skill, scores);
      return [skill, { score, level: score === null ? null : levelFor(score), complete: score !== null, tasks }];
    }),
  );
  return { id: a.id, studentId: a.studentId, title: a.title, createdAt: a.createdAt.toISOString(), skills: view, links: { self: `/attempts/${a.id}` } };
}

export function createAttemptService(prisma: PrismaClient) {
  /** Students see their own attempts; graders and admins anyone's. Invisible = missing. */
  const visible = (viewer: Principal) => (viewer.role === 'student' ? { studentId: viewer.id } : {});

  return {
    async create(student: Principal, title: string | undefined) {
      const row = await prisma.attempt.create({ data: { studentId: student.id, title }, include: attemptInclude });
      return presentAttempt(row);
    },

    async get(id: string, viewer: Principal) {
      const row = await prisma.attempt.findFirst({ where: { id, ...visible(viewer) }, include: attemptInclude });
      return row && presentAttempt(row);
    },

    /** A student's attempts, newest first (a student: their own; staff name the student). */
    async list(viewer: Principal, { studentId, limit }: { studentId?: string; limit: number }) {
      const owner = studentFor(viewer, studentId);
      const rows = await prisma.attempt.findMany({ where: { studentId: owner }, include: attemptInclude, orderBy: { createdAt: 'desc' }, take: limit });
      return rows.map(presentAttempt);
    },
  };
}

/** Whose records a request is about: a student's own; staff must say whose. */
export function studentFor(viewer: Principal, studentId: string | undefined): string {
  if (viewer.role === 'student') {
    if (studentId !== undefined && studentId !== viewer.id) throw new ForbiddenError('Students can only see their own records.');
    return viewer.id;
  }
  if (!studentId) throw new BadRequestError('Name the student.', [{ field: 'query.studentId', message: 'is required for graders and admins' }]);
  return studentId;
}

export type AttemptService = ReturnType<typeof createAttemptService>;
