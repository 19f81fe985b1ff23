// Creating a submission: the row (and its first event) is committed before the workflow is
// started, so a submission accepted with 202 is never lost; starting is idempotent through the
// deterministic workflow id.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { GradingMode, Skill, Task } from '../domain/scores.ts';
import type { Logger } from '../lib/logger.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import { BadRequestError, ConflictError, ValidationError } from '../lib/http/errors.ts';
import { words } from '../scoring/text-features.ts';
import {
  gradeSubmissionWorkflowType,
  workflowIdFor,
  type GradeSubmissionInput,
  type GradingPolicy,
} from '../../workflows/grade-submission.types.ts';
import { modeAttribute, skillAttribute, statusAttribute, taskAttribute } from '../../workflows/search-attributes.ts';
import type { Principal } from '../auth/access-tokens.ts';
import { extensions } from '../speech/audio-format.ts';
import { audioKeyFor, type AudioStore } from '../storage/audio-store.ts';
import type { ReceivedAudio } from './audio-upload.ts';
import { findSubmission, submissionInclude, transition, type SubmissionRecord } from './submission.repository.ts';
import { mayDelete, visibleTo } from './submission.access.ts';
import { cursorCodec, type CreateWritingSubmission, type ListQuery } from './submission.schemas.ts';

export interface SubmissionServiceDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
  audioStore: AudioStore;
}

/** What starting a grading needs to know about a submission. */
export interface StartableSubmission {
  id: string;
  skill: Skill;
  task: Task;
  mode: GradingMode;
  deadlineAt: Date;
  requestId: string | null;
}

export function gradingPolicy(config: Config): GradingPolicy {
  const g = config.grading;
  return {
    maxRetries: g.maxRetries,
    retryInitialSeconds: g.retryInitialSeconds,
    retryBackoffCapSeconds: g.retryBackoffCapSeconds,
    activityTimeoutSeconds: g.activityTimeoutSeconds,
    routing: g.routing,
    reviewDueSeconds: g.reviewDueSeconds,
    secondOpinion: g.secondOpinion,
    scoringTaskQueue: config.temporal.scoringTaskQueue,
    transcriptionTaskQueue: config.temporal.transcriptionTaskQueue,
    transcriptionTimeoutSeconds: config.transcription.timeoutSeconds,
  };
}

interface Idempotency {
  key: string;
  /** What was submitted under the key (fields and, for speaking, the audio's SHA-256). */
  hash: string;
}

export interface Created {
  submission: SubmissionRecord;
  /** True when an earlier request with the same Idempotency-Key had already created it. */
  replayed: boolean;
}

/** A stable hash of a request's fields, independent of key order. */
function requestHash(fields: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(fields).sort().map((k) => [k, fields[k] ?? null]));
  return createHash('sha256').update(canonical).digest('hex');
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

type NewSubmission = Omit<Prisma.SubmissionUncheckedCreateInput, 'id' | 'workflowId' | 'createdAt' | 'deadlineAt' | 'requestId' | 'mode'>;

export function createSubmissionService({ config, prisma, temporal, logger, audioStore }: SubmissionServiceDeps) {
  /**
   * Starts the submission's workflow; false when it was already started. `redrive` is an admin
   * re-driving a failed grading, whose earlier run ended normally and would otherwise block it.
   */
  async function startGrading(submission: StartableSubmission, { redrive = false } = {}): Promise<boolean> {
    const input: GradeSubmissionInput = {
      submissionId: submission.id,
      policy: gradingPolicy(config),
      requestId: submission.requestId ?? undefined,
      skill: submission.skill,
      mode: submission.mode,
      deadlineAt: submission.deadlineAt.toISOString(),
      searchAttributes: config.temporal.searchAttributes,
    };
    try {
      // Bounded: with Temporal down a submit answers after this wait, the row left to the reconciler.
      const deadline = Date.now() + config.temporal.startTimeoutSeconds * 1000;
      await temporal.connection.withDeadline(deadline, () => temporal.workflow.start(gradeSubmissionWorkflowType, {
        workflowId: workflowIdFor(submission.id),
        taskQueue: config.temporal.taskQueue,
        args: [input],
        // The request's correlation id travels from the memo into every activity's headers and logs.
        ...(submission.requestId ? { memo: { requestId: submission.requestId } } : {}),
        ...(config.temporal.searchAttributes
          ? {
              typedSearchAttributes: [
                { key: skillAttribute, value: submission.skill },
                { key: taskAttribute, value: submission.task },
                { key: modeAttribute, value: submission.mode },
                { key: statusAttribute, value: 'pending' },
              ],
            }
          : {}),
        // A finished grading is never repeated; a failed or terminated run may be started anew.
        workflowIdReusePolicy: redrive ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      }));
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
    await markStarted(submission.id);
    return true;
  }

  /** Records that Temporal has the workflow; if this write is lost, the reconciler records it. */
  async function markStarted(id: string): Promise<void> {
    await prisma.submission
      .updateMany({ where: { id, workflowStartedAt: null }, data: { workflowStartedAt: new Date() } })
      .catch((error: unknown) => logger.warn({ err: error, submissionId: id }, 'could not record the workflow start'));
  }

  /**
   * For the reconciler: starts grading for a stored submission with no recorded start. A run
   * that is already going (the start was not recorded) is recorded; a closed run with the row
   * still pending is an earlier run of a re-driven submission, so a new run is started.
   */
  async function resumeGrading(submission: StartableSubmission): Promise<boolean> {
    if (await startGrading(submission)) return true;
    const { status } = await temporal.workflow.getHandle(workflowIdFor(submission.id)).describe();
    if (status.name === 'RUNNING') {
      await markStarted(submission.id);
      return false;
    }
    // The run is closed, so whatever it wrote is committed: a row still pending was re-driven.
    const row = await prisma.submission.findUnique({ where: { id: submission.id }, select: { status: true, workflowStartedAt: true } });
    if (row?.status !== 'pending' || row.workflowStartedAt) return false;
    return startGrading(submission, { redrive: true });
  }

  /** Starts grading; if Temporal is unreachable the row stays pending for the reconciler. */
  async function startOrLeaveToReconciler(submission: StartableSubmission, options?: { redrive?: boolean }): Promise<void> {
    try {
      await startGrading(submission, options);
    } catch (error) {
      logger.error({ err: error, submissionId: submission.id }, 'could not start grading; the reconciler will retry');
    }
  }

  /** The submission stored earlier under this Idempotency-Key, if the request is the same one. */
  async function replayed(studentId: string, idempotency: Idempotency | undefined): Promise<SubmissionRecord | null> {
    if (!idempotency) return null;
    const earlier = await prisma.submission.findUnique({
      where: { studentId_idempotencyKey: { studentId, idempotencyKey: idempotency.key } },
      include: submissionInclude,
    });
    if (!earlier) return null;
    if (earlier.idempotencyHash !== idempotency.hash) {
      throw new ValidationError(
        [{ field: 'header.idempotency-key', message: 'was already used for a different submission' }],
        'This Idempotency-Key was already used with a different request; use a new key for a new submission.',
      );
    }
    return earlier;
  }

  /**
   * Commits the row and its first event, then starts grading. `onNotCommitted` runs when the
   * commit fails (and only then: after it, the submission exists and must keep what it refers to).
   * With an Idempotency-Key, a second identical request gets the first one's submission.
   */
  async function create(
    data: NewSubmission,
    mode: GradingMode | undefined,
    requestId: string | undefined,
    { id = randomUUID(), onNotCommitted, idempotency }: { id?: string; onNotCommitted?: () => Promise<void>; idempotency?: Idempotency } = {},
  ): Promise<Created> {
    const studentId = data.studentId!;
    const now = new Date();
    const commit = prisma.$transaction(async (tx) => {
      if (data.attemptId) {
        const attempt = await tx.attempt.findFirst({ where: { id: data.attemptId, studentId: data.studentId! }, select: { id: true } });
        if (!attempt) throw new ValidationError([{ field: 'attemptId', message: 'is not an attempt of yours' }]);
      }
      const row = await tx.submission.create({
        data: {
          ...data,
          id,
          idempotencyKey: idempotency?.key,
          idempotencyHash: idempotency?.hash,
          mode: mode ?? config.grading.defaultMode,
          workflowId: workflowIdFor(id),
          requestId,
          createdAt: now,
          deadlineAt: new Date(now.getTime() + config.grading.slaSeconds[data.skill] * 1000),
        },
      });
      await tx.submissionEvent.create({
        data: { submissionId: id, type: 'created', toStatus: 'pending', data: { requestId } },
      });
      return row;
    });
    let created;
    try {
      created = await commit;
    } catch (error) {
      await onNotCommitted?.().catch((cleanupError: unknown) => logger.error({ err: cleanupError }, 'could not clean up after a failed commit'));
      if ((error as { code?: string }).code === 'P2002') {
        // A concurrent request with the same key won the race: answer as it did.
        const earlier = await replayed(studentId, idempotency);
        if (earlier) return { submission: earlier, replayed: true };
        if (data.attemptId) throw new ConflictError(`This attempt already has an answer for ${data.task}; delete that one to answer again.`);
      }
      throw error;
    }
    await startOrLeaveToReconciler(created);
    // The row as committed: a new submission has no results, review or transcript yet (no re-read).
    return { submission: { ...created, results: [], review: null, transcript: null }, replayed: false };
  }

  return {
    async createWriting(studentId: string, body: CreateWritingSubmission, requestId: string | undefined, idempotencyKey?: string): Promise<Created> {
      const idempotency = idempotencyKey ? { key: idempotencyKey, hash: requestHash({ ...body }) } : undefined;
      const earlier = await replayed(studentId, idempotency);
      if (earlier) return { submission: earlier, replayed: true };
      return create(
        { studentId, attemptId: body.attemptId, skill: 'writing', task: body.task, prompt: body.prompt, text: body.text, wordCount: words(body.text).length },
        body.mode,
        requestId,
        { idempotency },
      );
    },

    /**
     * Stores the checked upload under the new submission's key, then commits the row. If the
     * commit fails the audio is removed again: there is never a row without its audio.
     */
    async createSpeaking(studentId: string, upload: ReceivedAudio, requestId: string | undefined, idempotencyKey?: string): Promise<Created> {
      const { fields, info } = upload;
      const idempotency = idempotencyKey
        ? { key: idempotencyKey, hash: requestHash({ ...fields, audioSha256: await fileSha256(upload.path) }) }
        : undefined;
      const earlier = await replayed(studentId, idempotency);
      if (earlier) return { submission: earlier, replayed: true };
      const id = randomUUID();
      const audioKey = audioKeyFor(id, extensions[info.format]);
      await audioStore.saveFile(audioKey, upload.path);
      return create(
        {
          studentId,
          attemptId: fields.attemptId,
          skill: 'speaking',
          task: fields.task,
          prompt: fields.prompt,
          audioKey,
          audioFormat: info.format,
          audioBytes: upload.bytes,
          audioSeconds: info.durationSeconds,
        },
        fields.mode,
        requestId,
        { id, onNotCommitted: () => audioStore.remove(audioKey), idempotency },
      );
    },

    /** The submission if `viewer` may see it, else null (reported as 404). */
    getVisible(id: string, viewer: Principal): Promise<SubmissionRecord | null> {
      return prisma.submission.findFirst({ where: { AND: [{ id }, visibleTo(viewer)] }, include: submissionInclude });
    },

    /** Visible submissions matching the filters, newest first, a page at a time. */
    async list(viewer: Principal, { limit, cursor, status, skill, task, attemptId, studentId, from, to }: ListQuery) {
      const after = cursor === undefined ? undefined : cursorCodec.decode(cursor);
      if (after === null) throw new BadRequestError('Invalid cursor.', [{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
      const page = await prisma.submission.findMany({
        where: {
          AND: [
            visibleTo(viewer),
            {
              status,
              skill,
              task,
              attemptId,
              studentId,
              ...(from || to ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
            },
            after
              ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
              : {},
          ],
        },
        include: submissionInclude,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const items = page.slice(0, limit);
      return { items, nextCursor: page.length > limit ? cursorCodec.encode(items[items.length - 1]!) : null };
    },

    /**
     * Hard delete (events, results and review go with it by cascade), then end the workflow.
     * If Temporal cannot be reached the workflow still ends: its next activity finds the
     * submission gone.
     */
    async delete(id: string, viewer: Principal): Promise<boolean> {
      const submission = await prisma.submission.findFirst({
        where: { AND: [{ id }, visibleTo(viewer)] },
        select: { studentId: true, workflowId: true, audioKey: true },
      });
      if (!submission || !mayDelete(viewer, submission)) return false;
      await prisma.submission.delete({ where: { id } });
      if (submission.audioKey) {
        await audioStore
          .remove(submission.audioKey)
          .catch((error: unknown) => logger.error({ err: error, submissionId: id }, 'could not delete the audio of a deleted submission'));
      }
      await temporal.workflow
        .getHandle(submission.workflowId)
        .terminate('submission deleted')
        .catch((error: unknown) => logger.debug({ err: error, submissionId: id }, 'no running workflow to end'));
      return true;
    },

    startGrading,
    resumeGrading,

    /** Admin re-drive: failed -> pending (recorded), then a new grading run. */
    async retry(id: string, admin: Principal): Promise<SubmissionRecord | null> {
      const submission = await prisma.submission.findUnique({ where: { id } });
      if (!submission) return null;
      if (submission.status !== 'failed') {
        throw new ConflictError(`Only failed submissions can be re-driven; this one is ${submission.status}.`);
      }
      await prisma.$transaction((tx) =>
        transition(tx, id, 'pending', {
          set: { failureReason: null, workflowStartedAt: null },
          eventData: { redrivenBy: admin.id, previousFailure: submission.failureReason },
        }),
      );
      await startOrLeaveToReconciler(submission, { redrive: true });
      return findSubmission(prisma, id);
    },
  };
}

export type SubmissionService = ReturnType<typeof createSubmissionService>;
