// Long timers on Temporal's time-skipping test server, with the real activities and Postgres:
// an SLA breach, an overdue review, and retries with minute-long backoffs.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import type { Config } from '../../src/config/env.ts';
import type { GradingMode } from '../../src/domain/scores.ts';
import { findExecutable } from '../../src/embedded/temporal.ts';
import { reviewEscalations, slaBreaches } from '../../src/lib/metrics.ts';
import { createPrisma, type PrismaClient } from '../../src/lib/prisma.ts';
import { installTemporalRuntime } from '../../src/lib/temporal-runtime.ts';
import { BaselineScorer } from '../../src/scoring/baseline-scorer.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';
import { createTranscriber } from '../../src/speech/index.ts';
import { gradingPolicy } from '../../src/grading/starter.ts';
import { createAudioStore } from '../../src/storage/audio-store.ts';
import { listEvents } from '../../src/submissions/submission.repository.ts';
import { completeReviewUpdate, gradeSubmissionWorkflowType, workflowIdFor, type GradeSubmissionInput } from '../../src/grading/contract.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { testConfig, testLogger } from '../helpers/platform.ts';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let config: Config;

beforeAll(async () => {
  installTemporalRuntime(testLogger);
  const path = findExecutable('temporal-test-server');
  if (!path) throw new Error('temporal-test-server is missing: run `bash scripts/setup.sh`');
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  prisma = createPrisma(inject('databaseUrl'), 3);
  config = testConfig();
});
afterAll(async () => {
  await env?.teardown();
  await prisma?.$disconnect();
});

const down = async (): Promise<never> => {
  throw new Error('provider unavailable (503)');
};
const failing: Scorer = { provider: 'always-down', scoreWriting: down, scoreSpeaking: down };

async function run<T>(scorer: Scorer, body: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `timers-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    // Writing only: the speech dependencies are there but never called.
    activities: createActivities({ prisma, scorer, transcriber: createTranscriber(config).transcriber, audioStore: createAudioStore(config) }),
  });
  return worker.runUntil(body(taskQueue));
}

async function start(taskQueue: string, mode: GradingMode, { slaSeconds, reviewDueSeconds, retryInitialSeconds = 1 }: { slaSeconds: number; reviewDueSeconds: number; retryInitialSeconds?: number }) {
  const id = randomUUID();
  const now = await env.currentTimeMs();
  const deadlineAt = new Date(now + slaSeconds * 1000);
  await prisma.submission.create({
    data: { id, skill: 'writing', task: 'task1', mode, prompt: holidayPrompt, text: holidayLetter, workflowId: workflowIdFor(id), deadlineAt },
  });
  const input: GradeSubmissionInput = {
    submissionId: id,
    skill: 'writing',
    mode,
    deadlineAt: deadlineAt.toISOString(),
    searchAttributes: false,
    policy: {
      ...gradingPolicy(config),
      maxRetries: 3,
      retryInitialSeconds,
      retryBackoffCapSeconds: 300,
      activityTimeoutSeconds: 30,
      reviewDueSeconds,
      // One worker runs every activity here.
      scoringTaskQueue: taskQueue,
      transcriptionTaskQueue: taskQueue,
    },
  };
  const handle = await env.client.workflow.start(gradeSubmissionWorkflowType, { workflowId: workflowIdFor(id), taskQueue, args: [input] });
  return { id, handle };
}

async function counterValue(counter: typeof slaBreaches | typeof reviewEscalations, labels: Record<string, string> = {}) {
  const { values } = await counter.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k as never] === l)).reduce((sum, v) => sum + v.value, 0);
}

const decision = { graderId: randomUUID(), criteria: { taskFulfilment: { score: 6 }, organisation: { score: 6 }, vocabulary: { score: 6 }, grammar: { score: 6.5 } } };

describe('timers', () => {
  it('when the SLA passes while a review waits, then the breach is recorded, the review goes to high priority, and grading goes on', async () => {
    await run(new BaselineScorer(), async (taskQueue) => {
      const { id, handle } = await start(taskQueue, 'human', { slaSeconds: 1200, reviewDueSeconds: 86_400 });
      await env.sleep('5 minutes');
      expect((await prisma.reviewTask.findFirstOrThrow({ where: { submissionId: id } })).priority).toBe('low');
      await env.sleep('20 minutes');
      const submission = await prisma.submission.findUniqueOrThrow({ where: { id }, include: { reviews: true } });
      expect(submission.slaBreached).toBe(true);
      expect(submission.status).toBe('review_pending');
      expect(submission.reviews[0]).toMatchObject({ priority: 'high', reasons: ['human_mode', 'sla_breached'] });
      const types = (await listEvents(prisma, id)).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['sla_breached', 'review_escalated']));
      expect(await counterValue(slaBreaches)).toBeGreaterThanOrEqual(1);
      expect(await counterValue(reviewEscalations, { reason: 'sla_breached' })).toBeGreaterThanOrEqual(1);
      expect(await handle.query('gradingState')).toMatchObject({ slaBreached: true, phase: 'awaiting_review', review: { priority: 'high', escalated: true } });
      expect(await handle.executeUpdate(completeReviewUpdate, { args: [decision] })).toMatchObject({ status: 'completed', source: 'human', overall: 6 });
      expect(await handle.result()).toMatchObject({ status: 'completed' });
    });
  });

  it('when a review waits past its due time, then it is escalated once and keeps waiting', async () => {
    await run(new BaselineScorer(), async (taskQueue) => {
      const { id, handle } = await start(taskQueue, 'human', { slaSeconds: 7 * 86_400, reviewDueSeconds: 600 });
      await env.sleep('15 minutes');
      const review = await prisma.reviewTask.findFirstOrThrow({ where: { submissionId: id } });
      expect(review).toMatchObject({ priority: 'high', reasons: ['human_mode', 'review_overdue'], status: 'open' });
      const escalations = (await listEvents(prisma, id)).filter((e) => e.type === 'review_escalated');
      expect(escalations).toHaveLength(1);
      expect(escalations[0]!.data).toMatchObject({ reason: 'review_overdue', from: 'low', to: 'high' });
      expect(await counterValue(reviewEscalations, { reason: 'review_overdue' })).toBeGreaterThanOrEqual(1);
      await env.sleep('1 day');
      expect((await prisma.submission.findUniqueOrThrow({ where: { id } })).status).toBe('review_pending');
      await handle.executeUpdate(completeReviewUpdate, { args: [decision] });
      expect(await handle.result()).toMatchObject({ status: 'completed', source: 'human' });
    });
  });

  it('when scoring fails through minute-long backoffs, then after the last retry the submission goes to review at high priority', async () => {
    await run(failing, async (taskQueue) => {
      const { id, handle } = await start(taskQueue, 'hybrid', { slaSeconds: 7 * 86_400, reviewDueSeconds: 86_400, retryInitialSeconds: 60 });
      // 60 s, 120 s, 240 s of backoff between four attempts: skipped, not waited.
      await env.sleep('10 minutes');
      const submission = await prisma.submission.findUniqueOrThrow({ where: { id }, include: { reviews: true } });
      expect(submission.status).toBe('review_pending');
      expect(submission.reviews[0]).toMatchObject({ priority: 'high', reasons: ['scoring_failed'] });
      expect(await handle.query('gradingState')).toMatchObject({ phase: 'awaiting_review' });
    });
  });

  it('when a second completion or invalid scores arrive, then the update is rejected and history is unchanged', async () => {
    await run(new BaselineScorer(), async (taskQueue) => {
      const { handle } = await start(taskQueue, 'human', { slaSeconds: 7 * 86_400, reviewDueSeconds: 86_400 });
      await env.sleep('1 minute');
      await expect(
        handle.executeUpdate(completeReviewUpdate, { args: [{ ...decision, criteria: { ...decision.criteria, grammar: { score: 11 } } }] }),
      ).rejects.toThrow();
      await handle.executeUpdate(completeReviewUpdate, { args: [decision] });
      await expect(handle.executeUpdate(completeReviewUpdate, { args: [decision] })).rejects.toThrow();
      expect(await handle.result()).toMatchObject({ status: 'completed', overall: 6 });
    });
  });
});

