// What a new submission answers, decided inside its transaction: a bank task brings its prompt,
// part and marking mode; free practice the student's prompt and the platform's practice mode. An
// answer in a sitting must be to one of the sitting's tasks and in time: up to the grace period
// after the candidate's due time it is kept (marked late), after that refused with nothing stored.
import type { Config } from '../config/env.ts';
import type { GradingMode, Skill, Task } from '../domain/scores.ts';
import { ConflictError, ValidationError } from '../lib/http/errors.ts';
import type { Prisma } from '../lib/prisma.ts';
import { dueOf, sittingsFor } from '../sittings/sitting.service.ts';

export interface AnswerRequest {
  skill: Skill;
  taskId?: string;
  /** Free practice: the part and the student's own prompt. */
  task?: Task;
  prompt?: string;
  attemptId?: string;
}

export interface Answered {
  task: Task;
  prompt: string;
  mode: GradingMode;
  /** The task's share of second-marked responses (free practice: none). */
  secondMarkingRate: number;
  examTaskId: string | null;
  /** What the submission shows of the task answered. */
  examTask: AnsweredTask | null;
  late: boolean;
}

export const answeredTaskSelect = { id: true, title: true, version: true, questions: true, graderNotes: true } as const;
export type AnsweredTask = Prisma.ExamTaskGetPayload<{ select: typeof answeredTaskSelect }>;

const invalid = (field: string, message: string) => new ValidationError([{ field, message }]);

const sendAs: Record<Skill, string> = {
  writing: 'send the essay as JSON',
  speaking: 'send the recording as multipart/form-data',
};

/** The candidate's sitting, if the attempt belongs to one: refuses an answer that is too late. */
async function sittingOf(tx: Prisma.TransactionClient, config: Config, studentId: string, attemptId: string, receivedAt: Date) {
  const attempt = await tx.attempt.findFirst({
    where: { id: attemptId, studentId },
    select: { dueAt: true, sitting: { select: { closesAt: true, tasks: { select: { examTaskId: true } } } } },
  });
  if (!attempt) throw invalid('attemptId', 'is not an attempt of yours');
  const sitting = attempt.sitting;
  if (!sitting) return { sitting: null, late: false };
  const due = dueOf(attempt, sitting);
  const acceptedUntil = new Date(due.getTime() + config.exams.graceSeconds * 1000);
  if (receivedAt > acceptedUntil) {
    const what = due < sitting.closesAt ? 'Your time for this sitting ran out' : 'This sitting closed';
    throw new ConflictError(`${what} at ${due.toISOString()}; answers were accepted until ${acceptedUntil.toISOString()}. Nothing was stored.`);
  }
  return { sitting, late: receivedAt > due };
}

export async function resolveAnswer(
  tx: Prisma.TransactionClient,
  config: Config,
  studentId: string,
  answer: AnswerRequest,
  receivedAt: Date,
): Promise<Answered> {
  const { sitting, late } = answer.attemptId ? await sittingOf(tx, config, studentId, answer.attemptId, receivedAt) : { sitting: null, late: false };
  if (!answer.taskId) {
    if (sitting) throw invalid('taskId', "is required: answers in a sitting are to the sitting's tasks");
    return { task: answer.task!, prompt: answer.prompt!, mode: config.exams.practiceMode, secondMarkingRate: 0, examTaskId: null, examTask: null, late: false };
  }
  const taskId = answer.taskId.toLowerCase();
  if (sitting && !sitting.tasks.some((t) => t.examTaskId === taskId)) throw invalid('taskId', 'is not a task of this sitting');
  const task = await tx.examTask.findUnique({ where: { id: taskId } });
  // A draft is nobody's to answer yet, and invisible to students: reported as missing.
  if (!task || task.status === 'draft') throw invalid('taskId', 'is not a published task');
  // A sitting keeps the form it was set with; outside one, an archived task is out of use.
  if (task.status === 'archived' && !sitting) throw invalid('taskId', 'was archived and takes no more answers');
  if (task.skill !== answer.skill) throw invalid('taskId', `is a ${task.skill} task: ${sendAs[task.skill]}`);
  if (!sitting) {
    const ahead = await tx.sitting.findFirst({
      where: { AND: [sittingsFor(studentId), { closesAt: { gt: receivedAt } }, { tasks: { some: { examTaskId: taskId } } }] },
      select: { title: true, closesAt: true },
      orderBy: { closesAt: 'asc' },
    });
    if (ahead) throw new ConflictError(`This task is part of the sitting "${ahead.title}", yours to sit until ${ahead.closesAt.toISOString()}: answer it in your attempt there.`);
  }
  const { id, title, version, questions, graderNotes } = task;
  return { task: task.task, prompt: task.prompt, mode: task.mode, secondMarkingRate: task.secondMarkingRate, examTaskId: id, examTask: { id, title, version, questions, graderNotes }, late };
}
