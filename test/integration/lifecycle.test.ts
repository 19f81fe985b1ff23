import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canTransition, submissionStatuses, type SubmissionStatus } from '../../src/domain/lifecycle.ts';
import { createPrisma, type PrismaClient } from '../../src/lib/prisma.ts';
import {
  IllegalTransitionError,
  listEvents,
  transition,
} from '../../src/submissions/submission.repository.ts';
import { workflowIdFor } from '../../src/grading/contract.ts';
import { inject } from 'vitest';

let prisma: PrismaClient;

beforeAll(() => {
  prisma = createPrisma(inject('databaseUrl'), 3);
});
afterAll(() => prisma.$disconnect());

/** A submission row put directly in `status` (bypassing the trigger, which guards updates only). */
async function submissionIn(status: SubmissionStatus): Promise<string> {
  const id = randomUUID();
  await prisma.submission.create({
    data: {
      id,
      skill: 'writing',
      task: 'task1',
      mode: 'auto',
      status,
      prompt: 'p',
      text: 't',
      workflowId: workflowIdFor(id),
      deadlineAt: new Date(Date.now() + 60_000),
    },
  });
  return id;
}

const pairs = submissionStatuses.flatMap((from) =>
  submissionStatuses.filter((to) => to !== from).map((to) => [from, to] as const),
);

describe('lifecycle enforced by the database', () => {
  it.each(pairs)('when SQL moves %s -> %s directly, then the trigger agrees with the transition table', async (from, to) => {
    const id = await submissionIn(from);
    const update = prisma.$executeRaw`UPDATE submissions SET status = ${to}::"SubmissionStatus" WHERE id = ${id}::uuid`;
    if (canTransition(from, to)) await expect(update).resolves.toBe(1);
    else await expect(update).rejects.toThrow(/illegal submission status transition/);
  });
});

describe('transition()', () => {
  it('when a legal move is made, then the status changes and an event records from and to', async () => {
    const id = await submissionIn('pending');
    await prisma.$transaction((tx) => transition(tx, id, 'processing', { eventData: { by: 'test' } }));
    const row = await prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('processing');
    const events = await listEvents(prisma, id);
    expect(events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([['status_changed', 'pending', 'processing']]);
    expect(events[0]!.data).toEqual({ by: 'test' });
  });

  it('when an illegal move is attempted, then it throws and writes nothing', async () => {
    const id = await submissionIn('completed');
    await expect(prisma.$transaction((tx) => transition(tx, id, 'processing'))).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    expect((await prisma.submission.findUniqueOrThrow({ where: { id } })).status).toBe('completed');
    expect(await listEvents(prisma, id)).toEqual([]);
  });

  it('when a retried step finds the target state already reached, then idempotent mode succeeds without a second event', async () => {
    const id = await submissionIn('pending');
    const first = await prisma.$transaction((tx) => transition(tx, id, 'processing', { idempotent: true }));
    const second = await prisma.$transaction((tx) => transition(tx, id, 'processing', { idempotent: true }));
    expect([first, second]).toEqual([true, false]);
    expect(await listEvents(prisma, id)).toHaveLength(1);
  });

  it('when a submission is deleted, then its events and results go with it', async () => {
    const id = await submissionIn('pending');
    await prisma.$transaction((tx) => transition(tx, id, 'processing'));
    await prisma.submission.delete({ where: { id } });
    expect(await prisma.submissionEvent.count({ where: { submissionId: id } })).toBe(0);
  });
});
