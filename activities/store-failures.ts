// How the activities read and write a submission that may have been deleted (or moved on)
// meanwhile. "Gone" is said one way, SubmissionGone, which ends the workflow quietly; an
// illegal status move is IllegalTransition. Neither is worth retrying.
import { ApplicationFailure } from '@temporalio/activity';
import { failureTypes } from '../src/grading/contract.ts';
import type { Prisma, PrismaClient } from '../src/lib/prisma.ts';
import { IllegalTransitionError, SubmissionNotFoundError } from '../src/submissions/submission.repository.ts';

export const submissionGone = (submissionId: string) =>
  ApplicationFailure.nonRetryable(`submission ${submissionId} does not exist`, failureTypes.submissionGone);

/** Prisma's codes for a write that referred to a row deleted meanwhile (foreign key, nested connect, update). */
const missingRow = new Set(['P2003', 'P2025']);

/** Runs database work for `submissionId`, mapping "it is gone" and illegal moves to failures the workflow understands. */
export async function asActivityFailure<T>(prisma: PrismaClient, submissionId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SubmissionNotFoundError) throw submissionGone(submissionId);
    // A missing row is the submission's absence only if the submission is indeed gone.
    if (missingRow.has((error as { code?: string }).code ?? '') && !(await prisma.submission.findUnique({ where: { id: submissionId }, select: { id: true } }))) {
      throw submissionGone(submissionId);
    }
    if (error instanceof IllegalTransitionError) throw ApplicationFailure.nonRetryable(error.message, failureTypes.illegalTransition);
    throw error;
  }
}

/** The submission's selected fields, or SubmissionGone. */
export async function loadSubmission<S extends Prisma.SubmissionSelect>(prisma: PrismaClient, submissionId: string, select: S) {
  const submission = await prisma.submission.findUnique({ where: { id: submissionId }, select });
  if (!submission) throw submissionGone(submissionId);
  return submission;
}
