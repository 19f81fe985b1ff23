// Creating a submission: the row (and its first event) is committed before the workflow is
// started, so a submission accepted with 202 is never lost; starting is idempotent through the
// deterministic workflow id. An Idempotency-Key makes a retried request return the first answer.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Config } from '../config/env.ts';
import { drawnForSecondMarking } from '../domain/moderation.ts';
import type { Skill } from '../domain/scores.ts';
import { workflowIdFor } from '../grading/contract.ts';
import type { GradingStarter } from '../grading/starter.ts';
import { ConflictError, ValidationError } from '../lib/http/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import { words } from '../scoring/text-features.ts';
import { extensions } from '../speech/audio-format.ts';
import { audioKeyFor, type AudioStore } from '../storage/audio-store.ts';
import type { ReceivedAudio } from './audio-upload.ts';
import { resolveAnswer, type AnswerRequest, type AnsweredTask } from './submission.answer.ts';
import { submissionInclude, type SubmissionRecord } from './submission.repository.ts';
import type { CreateWritingSubmission } from './submission.schemas.ts';

export interface SubmissionIntakeDeps {
  config: Config;
  prisma: PrismaClient;
  logger: Logger;
  audioStore: AudioStore;
  grading: GradingStarter;
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

/** The row's own fields; what it answers (task, prompt, mode) is resolved in the transaction. */
type NewSubmission = Omit<
  Prisma.SubmissionUncheckedCreateInput,
  'id' | 'workflowId' | 'createdAt' | 'deadlineAt' | 'requestId' | 'mode' | 'task' | 'prompt' | 'examTaskId' | 'late' | 'skill'
> & { skill: Skill };

export function createSubmissionIntake({ config, prisma, logger, audioStore, grading }: SubmissionIntakeDeps) {
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
    answer: AnswerRequest,
    requestId: string | undefined,
    { id = randomUUID(), onNotCommitted, idempotency, receivedAt = new Date() }: { id?: string; onNotCommitted?: () => Promise<void>; idempotency?: Idempotency; receivedAt?: Date },
  ): Promise<Created> {
    const studentId = data.studentId!;
    const now = new Date();
    let examTask: AnsweredTask | null = null;
    const commit = prisma.$transaction(async (tx) => {
      const answered = await resolveAnswer(tx, config, studentId, answer, receivedAt);
      examTask = answered.examTask;
      const row = await tx.submission.create({
        data: {
          ...data,
          id,
          task: answered.task,
          prompt: answered.prompt,
          mode: answered.mode,
          // Auto mode has no human marker to double; otherwise the draw is fixed by id and rate.
          doubleMarked: answered.mode !== 'auto' && drawnForSecondMarking(id, answered.secondMarkingRate),
          examTaskId: answered.examTaskId,
          late: answered.late,
          idempotencyKey: idempotency?.key,
          idempotencyHash: idempotency?.hash,
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
        if (data.attemptId) throw new ConflictError('This attempt already has an answer for this part; delete that one to answer again.');
      }
      throw error;
    }
    await grading.startOrLeaveToReconciler(created);
    // The row as committed: a new submission has no results, review or transcript yet (no re-read).
    return { submission: { ...created, results: [], reviews: [], marks: [], appeal: null, transcript: null, examTask }, replayed: false };
  }

  return {
    async createWriting(studentId: string, body: CreateWritingSubmission, requestId: string | undefined, idempotencyKey?: string, receivedAt?: Date): Promise<Created> {
      const idempotency = idempotencyKey ? { key: idempotencyKey, hash: requestHash({ ...body }) } : undefined;
      const earlier = await replayed(studentId, idempotency);
      if (earlier) return { submission: earlier, replayed: true };
      return create(
        { studentId, attemptId: body.attemptId, skill: 'writing', text: body.text, wordCount: words(body.text).length },
        { skill: 'writing', ...body },
        requestId,
        { idempotency, receivedAt },
      );
    },

    /**
     * Stores the checked upload under the new submission's key, then commits the row. If the
     * commit fails the audio is removed again: there is never a row without its audio.
     */
    async createSpeaking(studentId: string, upload: ReceivedAudio, requestId: string | undefined, idempotencyKey?: string, receivedAt?: Date): Promise<Created> {
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
          audioKey,
          audioFormat: info.format,
          audioBytes: upload.bytes,
          audioSeconds: info.durationSeconds,
        },
        { skill: 'speaking', ...fields },
        requestId,
        { id, onNotCommitted: () => audioStore.remove(audioKey), idempotency, receivedAt },
      );
    },
  };
}
