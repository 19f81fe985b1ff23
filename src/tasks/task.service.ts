// The task bank: staff author tasks with their marking policy; a draft can be edited, a
// published task is frozen (an edit makes the next version, and publishing it archives the one
// before, so each family has one version taking answers), an archived task takes no answers.
// The database refuses changes to a frozen task too (the exam_tasks_frozen trigger).
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/access-tokens.ts';
import { ConflictError, NotFoundError } from '../lib/http/errors.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import { inSittingAhead } from '../sittings/sitting.service.ts';
import { afterCursor, pageOf } from '../submissions/submission.schemas.ts';
import type { CreateTask, ExamTaskView, TaskListQuery, UpdateTask } from './task.schemas.ts';

export type ExamTask = Prisma.ExamTaskGetPayload<object>;

export function presentTask(t: ExamTask, viewer: { staff: boolean }): ExamTaskView {
  return {
    id: t.id,
    familyId: t.familyId,
    version: t.version,
    previousVersionId: t.previousVersionId,
    skill: t.skill,
    task: t.task,
    title: t.title,
    prompt: t.prompt,
    questions: t.questions,
    ...(viewer.staff ? { graderNotes: t.graderNotes } : {}),
    policy: { mode: t.mode, secondMarkingRate: t.secondMarkingRate, feedbackLanguage: t.feedbackLanguage },
    status: t.status,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    publishedAt: t.publishedAt?.toISOString() ?? null,
    archivedAt: t.archivedAt?.toISOString() ?? null,
    links: { self: `/tasks/${t.id}` },
  };
}

const frozen = (t: ExamTask) =>
  new ConflictError(
    `This task is ${t.status}: its wording and policy are frozen so that every answer names what it answered. POST /admin/tasks/${t.id}/versions makes an editable next version.`,
  );

type Content = Pick<ExamTask, 'skill' | 'task' | 'title' | 'prompt' | 'questions' | 'graderNotes' | 'mode' | 'secondMarkingRate' | 'feedbackLanguage'>;

/** A task's wording and policy: what a new version copies, and what freezes on publishing. */
const contentOf = ({ skill, task, title, prompt, questions, graderNotes, mode, secondMarkingRate, feedbackLanguage }: Content): Content => ({
  skill,
  task,
  title,
  prompt,
  questions,
  graderNotes,
  mode,
  secondMarkingRate,
  feedbackLanguage,
});

/** The fields an edit names (the policy's flattened), and only those. */
function changesOf({ policy, ...content }: UpdateTask): Partial<Content> {
  return Object.fromEntries(Object.entries({ ...content, ...policy }).filter(([, value]) => value !== undefined));
}

/** What students may see of the bank: published tasks, less those of sittings still ahead of them. */
function forStudents(viewer: Principal): Prisma.ExamTaskWhereInput {
  return viewer.role === 'student' ? { status: 'published', NOT: inSittingAhead(viewer.id, new Date()) } : {};
}

export function createTaskService(prisma: PrismaClient) {
  /**
   * Locks every version of the task's family, so edits, new versions and lifecycle moves of one
   * task are serial (one draft and one published version at a time).
   */
  async function locked(tx: Prisma.TransactionClient, id: string): Promise<ExamTask> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM exam_tasks WHERE family_id = (SELECT family_id FROM exam_tasks WHERE id = ${id}::uuid) ORDER BY id FOR NO KEY UPDATE`;
    if (rows.length === 0) throw new NotFoundError('No task with this id.');
    return tx.examTask.findUniqueOrThrow({ where: { id } });
  }

  return {
    async create(author: Principal, body: CreateTask): Promise<ExamTask> {
      const { policy, ...content } = body;
      return prisma.examTask.create({
        data: { ...contentOf({ ...content, graderNotes: content.graderNotes ?? null, ...policy }), familyId: randomUUID(), createdById: author.id },
      });
    },

    /** Edits a draft in place; a published or archived task is refused (409). */
    async update(id: string, body: UpdateTask): Promise<ExamTask> {
      return prisma.$transaction(async (tx) => {
        const task = await locked(tx, id);
        if (task.status !== 'draft') throw frozen(task);
        return tx.examTask.update({ where: { id }, data: changesOf(body) });
      });
    },

    /** The next version of a task, as a draft: its content, with `changes` applied. */
    async newVersion(author: Principal, id: string, changes: UpdateTask): Promise<ExamTask> {
      return prisma.$transaction(async (tx) => {
        const from = await locked(tx, id);
        const pending = await tx.examTask.findFirst({ where: { familyId: from.familyId, status: 'draft' }, select: { id: true, version: true } });
        if (pending) throw new ConflictError(`Version ${pending.version} of this task (${pending.id}) is still a draft: edit that one, or publish it first.`);
        const latest = await tx.examTask.findFirstOrThrow({ where: { familyId: from.familyId }, orderBy: { version: 'desc' }, select: { version: true } });
        return tx.examTask.create({
          data: { ...contentOf({ ...from, ...changesOf(changes) }), familyId: from.familyId, version: latest.version + 1, previousVersionId: from.id, createdById: author.id },
        });
      });
    },

    /** draft -> published (again: no change); the family's earlier published version is archived. */
    async publish(id: string): Promise<ExamTask> {
      return prisma.$transaction(async (tx) => {
        const task = await locked(tx, id);
        if (task.status === 'published') return task;
        if (task.status === 'archived') throw new ConflictError('An archived task cannot be published again; make a new version of it instead.');
        const now = new Date();
        await tx.examTask.updateMany({ where: { familyId: task.familyId, status: 'published' }, data: { status: 'archived', archivedAt: now } });
        return tx.examTask.update({ where: { id }, data: { status: 'published', publishedAt: now } });
      });
    },

    /** Takes a task out of use: it accepts no more answers (sittings that list it keep it). */
    async archive(id: string): Promise<ExamTask> {
      return prisma.$transaction(async (tx) => {
        const task = await locked(tx, id);
        if (task.status === 'archived') return task;
        return tx.examTask.update({ where: { id }, data: { status: 'archived', archivedAt: new Date() } });
      });
    },

    /** A task as `viewer` may see it: students only published ones not waiting in a sitting of theirs (others are missing). */
    async get(id: string, viewer: Principal): Promise<ExamTask | null> {
      return prisma.examTask.findFirst({ where: { AND: [{ id }, forStudents(viewer)] } });
    },

    async list(viewer: Principal, { limit, cursor, skill, task, status }: TaskListQuery) {
      const after = afterCursor(cursor);
      // Students see what they can answer; asking for drafts or archived tasks finds nothing.
      const visibleStatus = viewer.role === 'student' ? (status === undefined || status === 'published' ? 'published' : null) : status;
      if (visibleStatus === null) return { items: [], nextCursor: null };
      const rows = await prisma.examTask.findMany({
        where: {
          AND: [
            { skill, task, status: visibleStatus },
            forStudents(viewer),
            after,
          ],
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      return pageOf(rows, limit);
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
