// Fault injection against real processes on 127.0.0.1 (npm run test:faults; also part of
// npm test). Each scenario is bounded in time and prints what happened to every submission:
// submitted / completed / in review / failed / duplicated. None may be lost or doubled.
import { afterAll, describe, expect, it } from 'vitest';
import { LlmScorer } from '../../src/scoring/llm-scorer.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { BaselineScorer } from '../../src/scoring/baseline-scorer.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { startTemporalProcess } from '../helpers/temporal-process.ts';
import { killProcessGroup, runEntryPoint, type RunningProcess } from '../helpers/processes.ts';
import { submitWriting } from '../helpers/submissions.ts';
import { hometownAnswer, startOwnRecogniser, submitSpeaking, synthesise } from '../helpers/speech.ts';
import { bankTask } from '../helpers/tasks.ts';
import { callApi, signedIn, type TestUser } from '../helpers/users.ts';
import { holidayPrompt } from '../../src/testing/essays.ts';
import { freePort } from '../../src/embedded/ports.ts';
import { startRedisServer } from '../../src/embedded/redis.ts';
import { startEmbeddedPostgres } from '../../src/embedded/postgres.ts';
import { applyMigrations } from '../../src/lib/schema-engine.ts';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Each scenario's outcome, printed for the CI log. */
const report = (line: string) => process.stdout.write(`[faults] ${line}\n`);

interface Tally {
  submitted: number;
  completed: number;
  inReview: number;
  failed: number;
  /** Submissions with two results of one version, or more than one final result. */
  duplicated: number;
}

async function tally(platform: TestPlatform, ids: string[]): Promise<Tally> {
  const rows = await platform.prisma.submission.findMany({ where: { id: { in: ids } }, include: { results: true } });
  return {
    submitted: ids.length,
    completed: rows.filter((r) => r.status === 'completed').length,
    inReview: rows.filter((r) => r.status === 'review_pending').length,
    failed: rows.filter((r) => r.status === 'failed').length,
    duplicated: rows.filter((r) => new Set(r.results.map((x) => x.version)).size !== r.results.length || r.results.filter((x) => x.isFinal).length > 1).length,
  };
}

/** Waits until every submission has left pending/processing, then reports and checks the tally. */
async function settle(platform: TestPlatform, scenario: string, ids: string[], timeoutMs: number): Promise<Tally> {
  await eventually(
    async () => ((await platform.prisma.submission.count({ where: { id: { in: ids }, status: { in: ['pending', 'processing'] } } })) === 0 ? true : undefined),
    { what: `${scenario}: every submission settled`, timeoutMs, intervalMs: 250 },
  );
  const result = await tally(platform, ids);
  report(`${scenario}: ${JSON.stringify(result)}`);
  expect(result.completed + result.inReview + result.failed).toBe(ids.length); // none lost
  expect(result.duplicated).toBe(0); // none doubled
  return result;
}

describe('fault injection', () => {
  it('when the worker is killed (-9) again and again while a batch grades, then every submission completes with exactly one result', async () => {
    const fake = await startFakeOpenAI([{ kind: 'slow', ms: 400 }]);
    cleanups.push(() => fake.close());
    // Short activity timeouts, so work held by a killed worker is retried quickly.
    const platform = await startTestPlatform({ worker: false, env: { GRADING_ACTIVITY_TIMEOUT_SECONDS: '3', GRADING_MAX_RETRIES: '10' } });
    cleanups.push(() => platform.stop());
    // Two provider calls at a time at 400 ms each: the batch takes several seconds, so the kills land mid-batch.
    const workerEnv = {
      SCORING_PROVIDER: 'openai',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODEL: 'test-model',
      SCORING_WORKER_CONCURRENCY: '2',
      WORKER_HTTP_PORT: '0',
      TEMPORAL_SEARCH_ATTRIBUTES: 'false',
    };
    const start = () => runEntryPoint(platform, 'workers/grading.worker.ts', workerEnv);
    let worker: RunningProcess = start();
    cleanups.push(async () => killProcessGroup(worker, 'SIGKILL'));

    const student = await signedIn(platform, 'student');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await submitWriting(platform, { student })).id);
    // Each kill waits for the (new) worker to have completed more work, so it lands mid-batch.
    const completedCount = () => platform.prisma.submission.count({ where: { id: { in: ids }, status: 'completed' } });
    const doneBeforeKills: number[] = [];
    for (let kill = 0; kill < 3; kill++) {
      const before = doneBeforeKills.at(-1) ?? 0;
      doneBeforeKills.push(
        await eventually(async () => {
          const n = await completedCount();
          return n > before ? n : undefined;
        }, { what: `progress before kill ${kill + 1}`, timeoutMs: 60_000, intervalMs: 50 }),
      );
      killProcessGroup(worker, 'SIGKILL');
      await worker.exited;
      worker = start();
    }
    const result = await settle(platform, 'kill -9 worker x3', ids, 180_000);
    report(`completed before each kill: ${doneBeforeKills.join(', ')}`);
    expect(doneBeforeKills.at(-1)).toBeLessThan(ids.length); // every kill hit a batch still grading
    expect(result.completed).toBe(ids.length);
    expect(fake.requests.length).toBeGreaterThanOrEqual(ids.length);
  }, 240_000);

  it('when the worker is killed (-9) while a double-marked answer waits for its adjudication, then the marks, the decision sent meanwhile and one final result all survive', async () => {
    const platform = await startTestPlatform({ worker: false, env: { GRADING_ACTIVITY_TIMEOUT_SECONDS: '3' } });
    cleanups.push(() => platform.stop());
    const workerEnv = { WORKER_HTTP_PORT: '0', TEMPORAL_SEARCH_ATTRIBUTES: 'false' };
    const start = () => runEntryPoint(platform, 'workers/grading.worker.ts', workerEnv);
    let worker: RunningProcess = start();
    cleanups.push(async () => killProcessGroup(worker, 'SIGKILL'));
    const [student, graderA, graderB, senior] = await Promise.all([signedIn(platform, 'student'), signedIn(platform, 'grader'), signedIn(platform, 'grader'), signedIn(platform, 'senior')]);
    const taskId = await bankTask(platform, { skill: 'writing', task: 'task1', prompt: holidayPrompt, mode: 'human', secondMarkingRate: 1, title: 'double-marked under faults' });
    const { id, workflowId } = await submitWriting(platform, { student, body: { taskId, prompt: undefined, task: undefined, skill: undefined } });
    const api = (user: TestUser, method: string, route: string, body?: unknown) => callApi(platform.baseUrl, user, method, route, body);
    const reviewOf = (kind: 'first' | 'second' | 'adjudication') =>
      eventually(async () => (await platform.prisma.reviewTask.findFirst({ where: { submissionId: id, kind }, select: { id: true } }))?.id, { what: `the ${kind} marking`, timeoutMs: 60_000 });
    const mark = async (user: TestUser, reviewId: string, score: number) => {
      expect((await api(user, 'POST', `/reviews/${reviewId}/claim`)).status).toBe(200);
      return api(user, 'POST', `/reviews/${reviewId}/complete`, { criteria: Object.fromEntries(['taskFulfilment', 'organisation', 'vocabulary', 'grammar'].map((c) => [c, { score }])), feedback: `marked ${score}` });
    };
    expect((await mark(graderA, await reviewOf('first'), 4.5)).status).toBe(200);
    expect((await mark(graderB, await reviewOf('second'), 7.5)).status).toBe(200);
    const adjudication = await reviewOf('adjudication');

    // The worker dies while the grading waits for the senior; the senior decides meanwhile.
    killProcessGroup(worker, 'SIGKILL');
    await worker.exited;
    const decided = api(senior, 'POST', `/reviews/${adjudication}/claim`).then(async (claim) => {
      expect(claim.status).toBe(200);
      return api(senior, 'POST', `/reviews/${adjudication}/complete`, { criteria: Object.fromEntries(['taskFulfilment', 'organisation', 'vocabulary', 'grammar'].map((c) => [c, { score: 6 }])) });
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id } })).status).toBe('review_pending');
    worker = start();
    expect((await decided).status).toBe(200);
    await platform.temporal.workflow.getHandle(workflowId).result();
    const result = await settle(platform, 'kill -9 worker awaiting adjudication', [id], 60_000);
    expect(result.completed).toBe(1);
    const marks = await platform.prisma.mark.findMany({ where: { submissionId: id }, orderBy: { createdAt: 'asc' } });
    expect(marks.map((m) => [m.kind, Number(m.overall)])).toEqual([
      ['first', 4.5],
      ['second', 7.5],
      ['adjudication', 6],
    ]);
    const finals = await platform.prisma.gradingResult.findMany({ where: { submissionId: id, isFinal: true } });
    expect(finals.map((r) => [r.source, Number(r.overall), r.version])).toEqual([['adjudicated', 6, 1]]);
  }, 180_000);

  it('when the worker is killed (-9) while it transcribes a five-minute Part 3 answer, then another worker transcribes it again from the stored audio, heartbeating, and it is graded once', async () => {
    const platform = await startTestPlatform({ worker: false });
    cleanups.push(() => platform.stop());
    // A recogniser of its own: minutes of speech would keep the shared one from other test files.
    const whisper = await startOwnRecogniser(platform.config.transcription.whisper);
    cleanups.push(whisper.stop);
    const workerEnv = { WORKER_HTTP_PORT: '0', TEMPORAL_SEARCH_ATTRIBUTES: 'false', WHISPER_URL: whisper.url };
    const start = () => runEntryPoint(platform, 'workers/grading.worker.ts', workerEnv);
    let worker: RunningProcess = start();
    cleanups.push(async () => killProcessGroup(worker, 'SIGKILL'));
    // Nine hometown answers at 140 words a minute: about five minutes of speech.
    const file = synthesise(Array.from({ length: 9 }, () => hometownAnswer).join(' '));
    const { id, workflowId } = await submitSpeaking(platform, { mode: 'auto', task: 'part3', file });
    const handle = platform.temporal.workflow.getHandle(workflowId);
    /** The transcription is at `attempt` (or later) and has heartbeated since `since` (ms). */
    const transcribing = async (attempt: number, since: number) => {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      return pending.some(
        (a) => a.activityType?.name === 'transcribeSubmission' && (a.attempt ?? 0) >= attempt && Number(a.lastHeartbeatTime?.seconds?.toString() ?? 0) * 1000 > since,
      )
        ? true
        : undefined;
    };
    const submittedAt = Date.now() - 1000;
    // The first worker is mid-recording (it has heartbeated) when it dies.
    await eventually(() => transcribing(1, submittedAt), { what: 'the first transcription attempt to heartbeat', timeoutMs: 120_000, intervalMs: 250 });
    killProcessGroup(worker, 'SIGKILL');
    await worker.exited;
    const killedAt = Date.now();
    worker = start();
    // The heartbeat timeout (30 s) frees the attempt; the new worker's attempt heartbeats too.
    await eventually(() => transcribing(2, killedAt), { what: 'a second attempt on the new worker', timeoutMs: 90_000, intervalMs: 500 });
    await handle.result();
    report(`five-minute answer: graded ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`);
    const result = await settle(platform, 'kill -9 worker mid-transcription', [id], 60_000);
    expect(result.completed).toBe(1);
    const transcript = await platform.prisma.transcript.findUniqueOrThrow({ where: { submissionId: id } });
    expect(transcript.durationSeconds).toBeGreaterThan(240);
    expect(transcript.wordCount).toBeGreaterThan(550);
    expect(transcript.provider).toBe('whisper');
    expect(await platform.prisma.transcript.count({ where: { submissionId: id } })).toBe(1);
  }, 420_000);

  it('when the Temporal server stops during a burst, then every submission is accepted (202) and all are graded after it returns', async () => {
    // A Temporal server of its own, keeping its state in a file so that it can be restarted.
    const dir = await mkdtemp(path.join(tmpdir(), 'vstep-temporal-restart-'));
    const options = { port: await freePort(), dbFile: path.join(dir, 'temporal.db') };
    let temporal = await startTemporalProcess(options);
    cleanups.push(async () => {
      await temporal.stop();
      await rm(dir, { recursive: true, force: true });
    });
    // Activities that were running when the server stopped are retried after their timeout: keep it short.
    const policy = { GRADING_ACTIVITY_TIMEOUT_SECONDS: '5' };
    const platform = await startTestPlatform({ worker: false, env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_START_TIMEOUT_SECONDS: '1', ...policy } });
    cleanups.push(() => platform.stop());
    // The real worker process, whose reconciler starts what the API could not.
    const workerEnv = { ...policy, WORKER_HTTP_PORT: '0', RECONCILER_INTERVAL_SECONDS: '1', RECONCILER_MIN_AGE_SECONDS: '1' };
    const worker = runEntryPoint(platform, 'workers/grading.worker.ts', workerEnv);
    cleanups.push(async () => killProcessGroup(worker, 'SIGKILL'));
    const student = await signedIn(platform, 'student');
    // The worker is up once it has graded a first submission.
    const first = await submitWriting(platform, { student });
    await platform.temporal.workflow.getHandle(first.workflowId).result();

    // 30 more submissions from 3 clients; the server stops once 10 are in, with gradings in flight.
    const ids: string[] = [first.id];
    const acceptedWhileDown: number[] = [];
    let down = false;
    let stopping: Promise<void> | undefined;
    let claimed = 0;
    const client = async () => {
      while (claimed < 30) {
        claimed++;
        const { id } = await submitWriting(platform, { student }); // asserts 202
        ids.push(id);
        if (down) acceptedWhileDown.push(ids.length);
        if (ids.length >= 11 && !stopping) stopping = temporal.stop().then(() => void (down = true));
      }
    };
    await Promise.all([client(), client(), client()]);
    await stopping;
    // The rest of the burst arrives while it is down.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        ids.push((await submitWriting(platform, { student })).id);
        acceptedWhileDown.push(ids.length);
      }),
    );
    const unstarted = await platform.prisma.submission.count({ where: { id: { in: ids }, workflowStartedAt: null } });
    report(`Temporal stopped after 10 accepted; ${acceptedWhileDown.length} accepted while it was down, ${unstarted} left for the reconciler`);
    expect(unstarted).toBeGreaterThanOrEqual(10);

    await new Promise((resolve) => setTimeout(resolve, 1000));
    temporal = await startTemporalProcess(options);
    const restarted = Date.now();
    // The worker rides out the outage: it is the same process, not restarted.
    expect(worker.child.exitCode, worker.output()).toBeNull();
    const result = await settle(platform, 'Temporal stopped mid-burst', ids, 120_000);
    report(`all settled ${Date.now() - restarted} ms after Temporal came back`);
    expect(result.completed).toBe(ids.length);
    expect(await platform.prisma.submission.count({ where: { id: { in: ids }, workflowStartedAt: null } })).toBe(0);
  }, 240_000);

  it('when the LLM provider answers 500 and then 429 for a while and then recovers, then everything is graded or in review, none lost', async () => {
    const fake = await startFakeOpenAI([{ kind: 'status', status: 500 }]);
    cleanups.push(() => fake.close());
    const platform = await startTestPlatform({
      scorer: new LlmScorer({ baseUrl: fake.baseUrl, model: 'test-model', timeoutSeconds: 2 }),
      env: { GRADING_MAX_RETRIES: '8', GRADING_RETRY_BACKOFF_CAP_SECONDS: '0.5' },
    });
    cleanups.push(() => platform.stop());
    const student = await signedIn(platform, 'student');
    // The outage: 500s for a second, then 429 with Retry-After: 1 for a second, then healthy.
    const phases = [
      setTimeout(() => fake.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }), 1000),
      setTimeout(() => fake.script({ kind: 'assessment' }), 2000),
    ];
    cleanups.push(async () => phases.forEach(clearTimeout));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await submitWriting(platform, { student, body: { mode: i % 2 ? 'hybrid' : 'auto' } })).id);
    const result = await settle(platform, 'provider 500 then 429, then recovers', ids, 120_000);
    // The retries outlast the outage: no submission had to give up.
    expect(result.failed).toBe(0);
    expect(fake.requests.length).toBeGreaterThan(ids.length); // the outage was met, and retried through
  }, 180_000);

  it('when Redis stops in the middle of a burst, then every submission is still accepted (limits off, with a warning) and graded', async () => {
    const redis = await startRedisServer(await freePort());
    cleanups.push(() => redis.stop());
    const platform = await startTestPlatform({ env: { REDIS_URL: redis.url } });
    cleanups.push(() => platform.stop());
    const student = await signedIn(platform, 'student');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await submitWriting(platform, { student })).id);
    await redis.stop();
    const started = Date.now();
    for (let i = 0; i < 10; i++) ids.push((await submitWriting(platform, { student })).id);
    report(`10 submissions accepted with Redis down in ${Date.now() - started} ms`);
    const result = await settle(platform, 'Redis stopped mid-burst', ids, 60_000);
    expect(result.completed).toBe(ids.length);
    const ready = (await (await fetch(`${platform.baseUrl}/ready`)).json()) as { status: string; dependencies: { redis: { status: string } } };
    expect(ready).toMatchObject({ status: 'degraded', dependencies: { redis: { status: 'degraded' } } });
  }, 120_000);

  it('when PostgreSQL restarts in the middle of a run, then gradings wait and finish, each with one result', async () => {
    // A server of its own: the run's shared database keeps serving the other test files.
    const dir = await mkdtemp(path.join(tmpdir(), 'vstep-pg-restart-'));
    await chmod(dir, 0o777);
    const port = await freePort();
    const options = { dataDir: path.join(dir, 'data'), port, database: 'vstep_faults', persistent: true };
    let pg = await startEmbeddedPostgres(options);
    cleanups.push(async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    });
    await applyMigrations(pg.url);
    // A scorer that takes 300 ms, two at a time: the restart lands while gradings are in flight.
    const baseline = new BaselineScorer();
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    const slow: Scorer = {
      provider: 'slow-baseline',
      scoreWriting: async (r) => (await pause(), baseline.scoreWriting(r)),
      scoreSpeaking: async (r) => (await pause(), baseline.scoreSpeaking(r)),
    };
    const platform = await startTestPlatform({
      scorer: slow,
      env: { DATABASE_URL: pg.url, GRADING_RETRY_BACKOFF_CAP_SECONDS: '1', SCORING_WORKER_CONCURRENCY: '2' },
    });
    cleanups.push(() => platform.stop());
    const student = await signedIn(platform, 'student');
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((await submitWriting(platform, { student })).id);
    const completedBefore = await platform.prisma.submission.count({ where: { id: { in: ids }, status: 'completed' } });
    await pg.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    pg = await startEmbeddedPostgres(options);
    for (let i = 0; i < 5; i++) ids.push((await submitWriting(platform, { student })).id);
    const result = await settle(platform, 'PostgreSQL restarted mid-run', ids, 120_000);
    report(`completed when PostgreSQL stopped: ${completedBefore} of 15`);
    expect(completedBefore).toBeLessThan(15); // the restart hit gradings in flight
    expect(result.completed).toBe(ids.length);
  }, 180_000);
});
