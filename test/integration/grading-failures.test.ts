// How grading behaves when scoring fails: transient errors are retried per the configured
// policy, exhausted retries and unusable input end in `failed` with a reason, never silently.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BaselineScorer } from '../../src/scoring/baseline-scorer.ts';
import { UnscorableResponseError, type Scorer, type SpeakingResponse, WritingResponse } from '../../src/scoring/scorer.ts';
import { listEvents, transition } from '../../src/submissions/submission.repository.ts';
import { reconcilePending } from '../../src/grading/reconciler.ts';
import { createGradingStarter } from '../../src/grading/starter.ts';
import { workflowIdFor } from '../../src/grading/contract.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { eventually, startTestPlatform, testLogger, type TestPlatform } from '../helpers/platform.ts';
import { submitWriting } from '../helpers/submissions.ts';
import { signedIn } from '../helpers/users.ts';

/** Fails the first `failures` calls, then scores like the baseline; counts every call. */
class FlakyScorer implements Scorer {
  readonly provider = 'flaky';
  calls = 0;
  constructor(
    private readonly failures: number,
    private readonly error: () => Error = () => new Error('provider unavailable (503)'),
  ) {}
  async scoreWriting(response: WritingResponse) {
    this.calls++;
    if (this.calls <= this.failures) throw this.error();
    return new BaselineScorer().scoreWriting(response);
  }
  async scoreSpeaking(response: SpeakingResponse) {
    this.calls++;
    if (this.calls <= this.failures) throw this.error();
    return new BaselineScorer().scoreSpeaking(response);
  }
}

let platform: TestPlatform | undefined;
afterEach(async () => {
  await platform?.stop();
  platform = undefined;
});

const submit = (p: TestPlatform) => submitWriting(p);

describe('grading when scoring fails', () => {
  it('when the scorer fails twice and GRADING_MAX_RETRIES=3, then the third attempt completes the grading', async () => {
    const scorer = new FlakyScorer(2);
    platform = await startTestPlatform({ scorer, env: { GRADING_MAX_RETRIES: '3' } });
    const { id, workflowId } = await submit(platform);
    await platform.temporal.workflow.getHandle(workflowId).result();
    expect(scorer.calls).toBe(3);
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('completed');
  });

  it('when every attempt fails, then after 1 + GRADING_MAX_RETRIES attempts the submission is failed with a readable reason', async () => {
    const scorer = new FlakyScorer(Number.POSITIVE_INFINITY);
    platform = await startTestPlatform({ scorer, env: { GRADING_MAX_RETRIES: '2' } });
    const { id, workflowId } = await submit(platform);
    const outcome = await platform.temporal.workflow.getHandle(workflowId).result();
    expect(outcome).toEqual({ submissionId: id, status: 'failed' });
    expect(scorer.calls).toBe(3);
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('failed');
    expect(row.failureReason).toMatch(/scoring failed: provider unavailable \(503\)/);
    const events = await listEvents(platform.prisma, id);
    expect(events.map((e) => e.toStatus)).toEqual(['pending', 'processing', 'failed']);
    expect(await platform.prisma.gradingResult.count({ where: { submissionId: id } })).toBe(0);
  });

  it('when the response cannot be scored at all, then it fails at once without retrying', async () => {
    const scorer = new FlakyScorer(Number.POSITIVE_INFINITY, () => new UnscorableResponseError('no English words'));
    platform = await startTestPlatform({ scorer, env: { GRADING_MAX_RETRIES: '5' } });
    const { id, workflowId } = await submit(platform);
    await platform.temporal.workflow.getHandle(workflowId).result();
    expect(scorer.calls).toBe(1);
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'failed', failureReason: 'scoring failed: no English words' });
  });

  it('when a submission is deleted while it waits for a worker, then its workflow ends quietly', async () => {
    platform = await startTestPlatform({ worker: false });
    const { id, workflowId } = await submit(platform);
    await platform.prisma.submission.delete({ where: { id } });
    const withWorker = await startTestPlatform({ env: { TEMPORAL_TASK_QUEUE: platform.config.temporal.taskQueue } });
    try {
      expect(await withWorker.temporal.workflow.getHandle(workflowId).result()).toEqual({ submissionId: id, status: 'deleted' });
    } finally {
      await withWorker.stop();
    }
  });
});

describe('admin re-drive', () => {
  it('when an admin re-drives a failed submission, then it is graded again and completes; anything else is refused', async () => {
    const scorer = new FlakyScorer(1);
    platform = await startTestPlatform({ scorer, env: { GRADING_MAX_RETRIES: '0' } });
    const { id, workflowId } = await submit(platform);
    await platform.temporal.workflow.getHandle(workflowId).result();
    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id } })).status).toBe('failed');

    const [admin, student] = await Promise.all([signedIn(platform, 'admin'), signedIn(platform, 'student')]);
    const retry = (who: typeof admin) => fetch(`${platform!.baseUrl}/admin/submissions/${id}/retry`, { method: 'POST', headers: who.headers });
    expect((await retry(student)).status).toBe(403);
    const res = await retry(admin);
    expect(res.status).toBe(202);
    expect(((await res.json()) as { failureReason: unknown }).failureReason).toBeNull();

    const outcome = await eventually(
      async () => {
        const row = await platform!.prisma.submission.findUniqueOrThrow({ where: { id } });
        return row.status === 'completed' ? row : undefined;
      },
      { what: 're-driven grading to complete' },
    );
    expect(outcome.status).toBe('completed');
    expect(scorer.calls).toBe(2);
    const events = await listEvents(platform.prisma, id);
    expect(events.filter((e) => e.toStatus).map((e) => e.toStatus)).toEqual(['pending', 'processing', 'failed', 'pending', 'processing', 'completed']);
    expect(events.find((e) => e.fromStatus === 'failed')!.data).toMatchObject({ redrivenBy: admin.id });
    // The re-drive is in the audit trail, and so is the AI result that then became final.
    const audit = await platform.prisma.auditRecord.findMany({ where: { submissionId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['submission.redriven', admin.id],
      ['result.finalised', null],
    ]);
    expect(audit[0]!.before).toMatchObject({ status: 'failed' });
    expect((await retry(admin)).status).toBe(409);
    expect((await fetch(`${platform.baseUrl}/admin/submissions/00000000-0000-4000-8000-000000000000/retry`, { method: 'POST', headers: admin.headers })).status).toBe(404);
  });
});

describe('deleting a submission', () => {
  it('when a submission is deleted before it is graded, then its workflow is terminated', async () => {
    platform = await startTestPlatform({ worker: false });
    const { id, workflowId, student } = await submitWriting(platform);
    const handle = platform.temporal.workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const del = await fetch(`${platform.baseUrl}/submissions/${id}`, { method: 'DELETE', headers: student.headers });
    expect(del.status).toBe(204);
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });
});

describe('reconciler', () => {
  it('when a submission was stored but its workflow never started, then the reconciler starts it and it completes', async () => {
    platform = await startTestPlatform();
    const id = randomUUID();
    await platform.prisma.submission.create({
      data: {
        id,
        skill: 'writing',
        task: 'task1',
        mode: 'auto',
        prompt: holidayPrompt,
        text: holidayLetter,
        workflowId: workflowIdFor(id),
        deadlineAt: new Date(Date.now() + 1_200_000),
        updatedAt: new Date(Date.now() - 60_000),
      },
    });
    const starter = createGradingStarter({ ...platform, logger: testLogger });
    const started = await reconcilePending({ prisma: platform.prisma, logger: testLogger, startGrading: starter.start });
    expect(started).toBeGreaterThanOrEqual(1);
    const status = await eventually(
      async () => {
        const row = await platform!.prisma.submission.findUniqueOrThrow({ where: { id } });
        return row.status === 'completed' ? row.status : undefined;
      },
      { what: 'the reconciled submission to complete' },
    );
    expect(status).toBe('completed');
    // A second pass leaves it alone: it is no longer pending. (Other test files share the
    // database, so only this submission is asserted on.)
    const startedAgain: string[] = [];
    await reconcilePending(
      { prisma: platform.prisma, logger: testLogger, startGrading: async (s) => (startedAgain.push(s.id), false) },
      { olderThanSeconds: 0 },
    );
    expect(startedAgain).not.toContain(id);
    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id } })).workflowStartedAt).not.toBeNull();
  });

  it('when a workflow is running but its start was never recorded, then the reconciler records it and starts nothing', async () => {
    platform = await startTestPlatform({ worker: false });
    const { id, workflowId } = await submit(platform);
    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id } })).workflowStartedAt).not.toBeNull();
    await platform.prisma.submission.update({ where: { id }, data: { workflowStartedAt: null } }); // the API stopped before recording it
    const handle = platform.temporal.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    const starter = createGradingStarter({ ...platform, logger: testLogger });
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(await starter.resume(row)).toBe(false);
    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id } })).workflowStartedAt).not.toBeNull();
    expect(await handle.describe()).toMatchObject({ runId, status: { name: 'RUNNING' } }); // the same run, not a second one
    await handle.terminate('test done');
  });

  it('when a re-drive was recorded but its new run never started, then the reconciler starts one although the earlier run is closed', async () => {
    platform = await startTestPlatform({ scorer: new FlakyScorer(1), env: { GRADING_MAX_RETRIES: '0' } });
    const { id, workflowId } = await submit(platform);
    await platform.temporal.workflow.getHandle(workflowId).result();
    // The re-drive's transition committed; the API stopped before starting the new run.
    await platform.prisma.$transaction((tx) =>
      transition(tx, id, 'pending', { set: { failureReason: null, workflowStartedAt: null }, eventData: { redrivenBy: 'test' } }),
    );
    const starter = createGradingStarter({ ...platform, logger: testLogger });
    expect(await starter.resume(await platform.prisma.submission.findUniqueOrThrow({ where: { id } }))).toBe(true);
    const outcome = await eventually(
      async () => {
        const row = await platform!.prisma.submission.findUniqueOrThrow({ where: { id } });
        return row.status === 'completed' ? row : undefined;
      },
      { what: 'the reconciled re-drive to complete' },
    );
    expect(outcome.workflowStartedAt).not.toBeNull();
  });
});
