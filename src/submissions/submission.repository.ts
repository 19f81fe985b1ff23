// Every write to a submission's status goes through `transition`: it checks the lifecycle table,
// updates the row only if it is still in a legal source state, and records the event in the
// same transaction.
import { canTransition, type SubmissionStatus } from '../domain/lifecycle.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import { answeredTaskSelect } from './submission.answer.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const submissionInclude = {
  results: { include: { criteria: true }, orderBy: { version: 'asc' } },
  reviews: { orderBy: { createdAt: 'asc' } },
  marks: { orderBy: { createdAt: 'asc' } },
  appeal: true,
  transcript: true,
  examTask: { select: answeredTaskSelect },
} as const;

export type SubmissionRecord = Prisma.SubmissionGetPayload<{ include: typeof submissionInclude }>;

export class SubmissionNotFoundError extends Error {
  override name = 'SubmissionNotFoundError';
  constructor(readonly submissionId: string) {
    super(`submission ${submissionId} does not exist`);
  }
}

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly from: SubmissionStatus,
    readonly to: SubmissionStatus,
  ) {
    super(`a submission cannot move from ${from} to ${to}`);
  }
}

export interface TransitionOptions {
  eventData?: Prisma.InputJsonValue;
  /** Extra columns written with the status change. */
  set?: Prisma.SubmissionUpdateInput;
  /** Treat "already in the target state" as success (for retried activities). */
  idempotent?: boolean;
}

/**
 * Moves a submission to `to`. Returns true when this call made the move, false when the
 * submission was already there and `idempotent` is set.
 */
export async function transition(
  tx: Prisma.TransactionClient,
  submissionId: string,
  to: SubmissionStatus,
  options: TransitionOptions = {},
): Promise<boolean> {
  // Lock the row so the state we check is the state we change.
  const rows = await tx.$queryRaw<{ status: SubmissionStatus }[]>`
    SELECT status FROM submissions WHERE id = ${submissionId}::uuid FOR UPDATE`;
  const from = rows[0]?.status;
  if (!from) throw new SubmissionNotFoundError(submissionId);
  if (from === to && options.idempotent) return false;
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  await tx.submission.update({ where: { id: submissionId }, data: { ...options.set, status: to } });
  await tx.submissionEvent.create({
    data: { submissionId, type: 'status_changed', fromStatus: from, toStatus: to, data: options.eventData },
  });
  return true;
}

/**
 * Records an event that is not a status change. Like `transition`, it locks the submission row
 * first: events of one submission are then numbered and committed in the same order, which the
 * live feed relies on (it reads "ids after the last one sent"). Returns false when the
 * submission no longer exists.
 */
export async function appendEvent(
  tx: Prisma.TransactionClient,
  submissionId: string,
  type: string,
  data: Prisma.InputJsonValue,
): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM submissions WHERE id = ${submissionId}::uuid FOR UPDATE`;
  if (rows.length === 0) return false;
  await tx.submissionEvent.create({ data: { submissionId, type, data } });
  return true;
}

export function findSubmission(db: Db, id: string): Promise<SubmissionRecord | null> {
  return db.submission.findUnique({ where: { id }, include: submissionInclude });
}

export function listEvents(db: Db, submissionId: string) {
  return db.submissionEvent.findMany({ where: { submissionId }, orderBy: { id: 'asc' } });
}
