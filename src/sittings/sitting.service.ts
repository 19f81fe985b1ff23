// Sittings: a test form (bank tasks, in order) offered in a window, to named students or to all.
// Students see the sittings open to them; the attempt service starts a candidate's attempt.
import type { Principal } from '../auth/access-tokens.ts';
import { ValidationError, type FieldError } from '../lib/http/errors.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import type { CreateSitting, SittingView, sittingStates } from './sitting.schemas.ts';

export type SittingState = (typeof sittingStates)[number];

const sittingInclude = {
  tasks: { orderBy: { position: 'asc' }, include: { examTask: { select: { id: true, skill: true, task: true, title: true, prompt: true, questions: true } } } },
} as const;

type SittingRecord = Prisma.SittingGetPayload<{ include: typeof sittingInclude }>;
type AttemptRow = { id: string; createdAt: Date; dueAt: Date | null };

export function sittingState(s: { opensAt: Date; closesAt: Date }, now = new Date()): SittingState {
  if (now < s.opensAt) return 'upcoming';
  return now < s.closesAt ? 'open' : 'closed';
}

/** Who may sit it: the named students, or every student when none is named. */
export function openTo(sitting: { studentIds: string[] }, studentId: string): boolean {
  return sitting.studentIds.length === 0 || sitting.studentIds.includes(studentId);
}

/** When a candidate's time is up: their own limit, else the sitting's close. */
export function dueOf(attempt: { dueAt: Date | null }, sitting: { closesAt: Date }): Date {
  return attempt.dueAt ?? sitting.closesAt;
}

/** The sittings a student may sit: for them by name, or for every student. */
export const sittingsFor = (studentId: string): Prisma.SittingWhereInput => ({ OR: [{ studentIds: { isEmpty: true } }, { studentIds: { has: studentId } }] });

/**
 * A student's tasks still to be sat: those of sittings for them that have not closed. They are
 * answered in the sitting only, never as practice (a candidate could otherwise try an answer out
 * first), and students do not see them in the bank.
 */
export const inSittingAhead = (studentId: string, now: Date): Prisma.ExamTaskWhereInput => ({
  sittingTasks: { some: { sitting: { AND: [sittingsFor(studentId), { closesAt: { gt: now } }] } } },
});

/** Sittings a viewer may see: staff all; a student those open to them. */
function visibleTo(viewer: Principal): Prisma.SittingWhereInput {
  return viewer.role === 'student' ? sittingsFor(viewer.id) : {};
}

function stateFilter(state: SittingState | undefined, now: Date): Prisma.SittingWhereInput {
  switch (state) {
    case 'upcoming':
      return { opensAt: { gt: now } };
    case 'open':
      return { opensAt: { lte: now }, closesAt: { gt: now } };
    case 'closed':
      return { closesAt: { lte: now } };
    default:
      return {};
  }
}

export function presentSitting(s: SittingRecord, viewer: { staff: boolean }, attempts: AttemptRow[] = []): SittingView {
  const state = sittingState(s);
  // Candidates read the paper once the sitting opens, not before.
  const paperShown = viewer.staff || state !== 'upcoming';
  return {
    id: s.id,
    title: s.title,
    tasks: s.tasks.map(({ examTask: t }) => ({
      id: t.id,
      skill: t.skill,
      task: t.task,
      title: t.title,
      ...(paperShown ? { prompt: t.prompt, questions: t.questions } : {}),
    })),
    opensAt: s.opensAt.toISOString(),
    closesAt: s.closesAt.toISOString(),
    durationMinutes: s.durationMinutes,
    allowRetakes: s.allowRetakes,
    state,
    ...(viewer.staff
      ? { studentIds: s.studentIds }
      : {
          attempts: attempts.map((a) => ({
            id: a.id,
            startedAt: a.createdAt.toISOString(),
            dueAt: dueOf(a, s).toISOString(),
            links: { self: `/attempts/${a.id}` },
          })),
        }),
    createdAt: s.createdAt.toISOString(),
    links: { self: `/sittings/${s.id}` },
  };
}

export function createSittingService(prisma: PrismaClient) {
  /** The tasks and students a new sitting names must exist: published tasks, one per VSTEP slot. */
  async function check(tx: Prisma.TransactionClient, body: CreateSitting): Promise<void> {
    const errors: FieldError[] = [];
    const tasks = await tx.examTask.findMany({ where: { id: { in: body.taskIds } }, select: { id: true, status: true, task: true } });
    const slots = new Set<string>();
    body.taskIds.forEach((id, i) => {
      const t = tasks.find((x) => x.id === id.toLowerCase());
      if (!t) errors.push({ field: `taskIds.${i}`, message: 'is not a task of the bank' });
      else if (t.status !== 'published') errors.push({ field: `taskIds.${i}`, message: `is ${t.status}, not published` });
      else if (slots.has(t.task)) errors.push({ field: `taskIds.${i}`, message: `is a second ${t.task}: a form has one task per part` });
      if (t) slots.add(t.task);
    });
    if (body.studentIds?.length) {
      const found = await tx.user.findMany({ where: { id: { in: body.studentIds }, role: 'student' }, select: { id: true } });
      const known = new Set(found.map((u) => u.id));
      body.studentIds.forEach((id, i) => {
        if (!known.has(id.toLowerCase())) errors.push({ field: `studentIds.${i}`, message: 'is not a student' });
      });
    }
    if (errors.length > 0) throw new ValidationError(errors);
  }

  async function attemptsOf(viewer: Principal, sittingIds: string[]): Promise<Map<string, AttemptRow[]>> {
    const byId = new Map<string, AttemptRow[]>();
    if (viewer.role !== 'student' || sittingIds.length === 0) return byId;
    const rows = await prisma.attempt.findMany({
      where: { studentId: viewer.id, sittingId: { in: sittingIds } },
      select: { id: true, sittingId: true, createdAt: true, dueAt: true },
      orderBy: { createdAt: 'asc' },
    });
    for (const r of rows) byId.set(r.sittingId!, [...(byId.get(r.sittingId!) ?? []), r]);
    return byId;
  }

  const present = async (viewer: Principal, rows: SittingRecord[]) => {
    const attempts = await attemptsOf(viewer, rows.map((r) => r.id));
    return rows.map((r) => presentSitting(r, { staff: viewer.role !== 'student' }, attempts.get(r.id)));
  };

  return {
    async create(admin: Principal, body: CreateSitting): Promise<SittingView> {
      const row = await prisma.$transaction(async (tx) => {
        await check(tx, body);
        return tx.sitting.create({
          data: {
            title: body.title,
            opensAt: body.opensAt,
            closesAt: body.closesAt,
            durationMinutes: body.durationMinutes ?? null,
            studentIds: [...new Set((body.studentIds ?? []).map((id) => id.toLowerCase()))],
            allowRetakes: body.allowRetakes,
            createdById: admin.id,
            tasks: { create: body.taskIds.map((id, position) => ({ examTaskId: id.toLowerCase(), position })) },
          },
          include: sittingInclude,
        });
      });
      return presentSitting(row, { staff: true });
    },

    async list(viewer: Principal, { state, limit }: { state?: SittingState; limit: number }): Promise<SittingView[]> {
      const rows = await prisma.sitting.findMany({
        where: { AND: [visibleTo(viewer), stateFilter(state, new Date())] },
        include: sittingInclude,
        orderBy: [{ opensAt: 'desc' }, { id: 'desc' }],
        take: limit,
      });
      return present(viewer, rows);
    },

    async get(id: string, viewer: Principal): Promise<SittingView | null> {
      const row = await prisma.sitting.findFirst({ where: { AND: [{ id }, visibleTo(viewer)] }, include: sittingInclude });
      return row && (await present(viewer, [row]))[0]!;
    },
  };
}

export type SittingService = ReturnType<typeof createSittingService>;
