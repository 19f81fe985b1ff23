// Exam attempts: a student groups responses into one sitting; each skill's score is computed
// (src/domain/scores.ts skillScore) once all of its tasks are graded.
import type { Principal } from '../auth/access-tokens.ts';
import type { SubmissionStatus } from '../domain/lifecycle.ts';
import { levelFor, skillScore, tasksOf, type Level, type Skill, type Task } from '../domain/scores.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../lib/http/errors.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { openTo, sittingState } from '../sittings/sitting.service.ts';
import type { AttemptView } from './attempt.schemas.ts';

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
    status: SubmissionStatus;
    createdAt: Date;
    results: Array<{ overall: unknown; level: string | null; createdAt: Date }>;
  }>;
};

type SkillView = AttemptView['skills']['writing'];
type TaskView = SkillView['tasks'][string];

/** One skill of an attempt: each task's answer, and the skill's score once every task is graded. */
function skillOf(a: AttemptRecord, skill: Skill): SkillView {
  const tasks: Record<string, TaskView> = {};
  const scores: Partial<Record<Task, number>> = {};
  for (const task of tasksOf[skill]) {
    const s = a.submissions.find((x) => x.task === task);
    const result = s?.results[0];
    if (result) scores[task] = Number(result.overall);
    tasks[task] = s
      ? { submissionId: s.id, status: s.status, overall: result ? Number(result.overall) : null, level: (result?.level ?? null) as Level, gradedAt: result?.createdAt.toISOString() ?? null }
      : null;
  }
  const score = skillScore(skill, scores);
  return { score, level: score === null ? null : levelFor(score), complete: score !== null, tasks };
}

/** The public JSON shape of an attempt: per task, then per skill with its score once complete. */
export function presentAttempt(a: AttemptRecord): AttemptView {
  return {
    id: a.id,
    studentId: a.studentId,
    title: a.title,
    sittingId: a.sittingId,
    dueAt: a.dueAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    skills: { writing: skillOf(a, 'writing'), speaking: skillOf(a, 'speaking') },
    links: { self: `/attempts/${a.id}` },
  };
}

export function createAttemptService(prisma: PrismaClient) {
  /** Students see their own attempts; graders and admins anyone's. Invisible = missing. */
  const visible = (viewer: Principal) => (viewer.role === 'student' ? { studentId: viewer.id } : {});

  /**
   * Starts a candidate's attempt at a sitting: only while it is open, once unless it allows
   * retakes (a lock per candidate and sitting, so two concurrent starts cannot both pass), and
   * due at the close or sooner with a time limit.
   */
  async function startSitting(student: Principal, sittingId: string) {
    return prisma.$transaction(async (tx) => {
      // One start at a time per candidate and sitting; candidates do not wait for each other.
      // UUIDs in any case name the same sitting: the key is built from the canonical spelling.
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${`sitting-attempt:${sittingId.toLowerCase()}:${student.id}`}))`;
      const sitting = await tx.sitting.findUnique({ where: { id: sittingId } });
      if (!sitting || !openTo(sitting, student.id)) throw new NotFoundError('No sitting with this id is open to you.');
      const now = new Date();
      const state = sittingState(sitting, now);
      if (state === 'upcoming') throw new ConflictError(`This sitting opens at ${sitting.opensAt.toISOString()}.`);
      if (state === 'closed') throw new ConflictError(`This sitting closed at ${sitting.closesAt.toISOString()}.`);
      if (!sitting.allowRetakes) {
        const earlier = await tx.attempt.findFirst({ where: { sittingId, studentId: student.id }, select: { id: true } });
        if (earlier) throw new ConflictError(`You have already started this sitting (attempt ${earlier.id}); it allows one attempt.`);
      }
      const limit = sitting.durationMinutes === null ? Infinity : now.getTime() + sitting.durationMinutes * 60_000;
      const dueAt = new Date(Math.min(sitting.closesAt.getTime(), limit));
      return tx.attempt.create({ data: { studentId: student.id, sittingId, title: sitting.title, dueAt }, include: attemptInclude });
    });
  }

  return {
    /** A practice attempt of the student's own, or their attempt at a sitting. */
    async create(student: Principal, { title, sittingId }: { title?: string; sittingId?: string }) {
      if (sittingId) return presentAttempt(await startSitting(student, sittingId));
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
