// The exam-deadline benchmark (npm run bench, bench/run.ts), against a platform it starts itself:
// embedded PostgreSQL, a Temporal dev server, redis-server, the API and a worker as child
// processes, and a provider stand-in with a fixed latency. Results go to bench/results/<time>.json
// and BENCHMARKS.md.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { cpus, totalmem, tmpdir, release } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/auth/password.ts';
import { startEmbeddedPostgres } from '../src/embedded/postgres.ts';
import { startRedisServer } from '../src/embedded/redis.ts';
import { findExecutable, startTemporalDevServer } from '../src/embedded/temporal.ts';
import { createPrisma } from '../src/lib/prisma.ts';
import { applyMigrations } from '../src/lib/schema-engine.ts';
import { holidayLetter, holidayPrompt } from '../src/testing/essays.ts';
import { freePort } from '../src/embedded/ports.ts';
import { burst, root, runChild, send, waitForOk, type Burst, type Child } from './load.ts';
import { startStandIn } from './provider-stand-in.ts';
import { openStream, type Stream } from './sse.ts';
import { summarise, type Summary } from './stats.ts';

export interface BenchParameters {
  /** Submissions in the exam-deadline burst, and the clients sending them. */
  N: number;
  C: number;
  /** Streams in the SSE fan-out. */
  S: number;
  /** Gradings one at a time, for the orchestration overhead. */
  M: number;
  /** The provider's requests per minute, and the submissions sent against it. */
  RPM: number;
  RPM_N: number;
  /** The command line, as recorded with the results. */
  command: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the platform, measures everything, stops what it started (through `cleanups`) and returns the results. */
export async function measure({ N, C, S, M, RPM, RPM_N, command }: BenchParameters, cleanups: Array<() => Promise<unknown>>) {
  const startedAt = new Date();
  const scratch = await mkdtemp(path.join(tmpdir(), 'vstep-bench-'));
  await chmod(scratch, 0o777);
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
  const logFile = path.join(scratch, 'platform.log');

  say(`Starting PostgreSQL, Temporal and Redis (scratch: ${scratch}) ...`);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'vstep_bench', persistent: false });
  cleanups.unshift(pg.stop);
  await applyMigrations(pg.url);
  const temporal = await startTemporalDevServer({ port: await freePort() });
  cleanups.unshift(temporal.stop);
  const redis = await startRedisServer(await freePort());
  cleanups.unshift(redis.stop);
  const prisma = createPrisma(pg.url, 5);
  cleanups.unshift(() => prisma.$disconnect());
  const standIn = await startStandIn();
  cleanups.unshift(standIn.close);

  const apiPort = await freePort();
  const workerPort = await freePort();
  const api = `http://127.0.0.1:${apiPort}`;
  const common = {
    APP_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporal.address,
    REDIS_URL: redis.url,
    AUDIO_STORAGE_DIR: path.join(scratch, 'audio'),
    SCORING_PROVIDER: 'openai',
    OPENAI_BASE_URL: standIn.baseUrl,
    OPENAI_API_KEY: 'bench',
    // The burst comes from one address and C accounts: the abuse limits would (rightly) refuse it.
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000',
    RATE_LIMIT_SUBMISSIONS_PER_ACCOUNT: '1000000',
    RATE_LIMIT_SUBMISSIONS_PER_IP: '1000000',
  };
  const children: Child[] = [];
  const startApi = async () => {
    const child = runChild('api', 'src/http/server.ts', { ...common, PORT: String(apiPort) }, logFile);
    children.push(child);
    cleanups.unshift(child.stop);
    await waitForOk(`${api}/ready`, child);
    return child;
  };
  const startWorker = async (env: Record<string, string> = {}) => {
    const child = runChild('worker', 'workers/grading.worker.ts', { ...common, WORKER_HTTP_PORT: String(workerPort), ...env }, logFile);
    children.push(child);
    cleanups.unshift(child.stop);
    await waitForOk(`http://127.0.0.1:${workerPort}/ready`, child, 90_000);
    return child;
  };
  say('Starting the API and a worker ...');
  const apiChild = await startApi();
  let worker = await startWorker();

  // Students, each logged in through the API.
  say(`Creating ${C} students ...`);
  const passwordHash = await hashPassword('bench password 1');
  const tokens: string[] = [];
  const loginAgent = new Agent({ keepAlive: true, maxSockets: 8 });
  for (let i = 0; i < C; i += 8) {
    const batch = Array.from({ length: Math.min(8, C - i) }, (_, k) => `student-${i + k}@bench.example`);
    await prisma.user.createMany({ data: batch.map((email) => ({ email, name: 'Bench student', role: 'student' as const, passwordHash })) });
    const replies = await Promise.all(
      batch.map((email) => send(loginAgent, `${api}/auth/login`, 'POST', { 'content-type': 'application/json' }, JSON.stringify({ email, password: 'bench password 1' }))),
    );
    for (const r of replies) {
      if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.body}`);
      tokens.push((JSON.parse(r.body) as { accessToken: string }).accessToken);
    }
  }
  loginAgent.destroy();
  // Candidates answer a published bank task marked in auto mode, as in a sitting.
  const task = await prisma.examTask.create({
    data: { familyId: randomUUID(), skill: 'writing', task: 'task1', title: 'Bench: holiday letter', prompt: holidayPrompt, mode: 'auto', status: 'published', publishedAt: new Date() },
  });
  const essay = JSON.stringify({ taskId: task.id, text: holidayLetter });
  const toApi = (_: number, client: number) => ({
    url: `${api}/submissions`,
    headers: { authorization: `Bearer ${tokens[client % tokens.length]}`, 'content-type': 'application/json' },
    body: essay,
  });

  /** Accepted ids of a burst, and whether every one of them is stored. */
  const acceptedIds = (b: Burst) => b.replies.filter((r) => r.status === 202).map((r) => (JSON.parse(r.body) as { id: string }).id);
  const burstSummary = (b: Burst) => ({
    requests: b.replies.length,
    accepted: b.replies.filter((r) => r.status === 202).length,
    refused: b.replies.filter((r) => r.status !== 202).length,
    statuses: Object.fromEntries([...new Set(b.replies.map((r) => r.status))].map((s) => [s, b.replies.filter((r) => r.status === s).length])),
    wallSeconds: round(b.wallMs / 1000),
    acceptedPerSecond: round(b.acceptedPerSecond),
    latencyMs: summarise(b.replies.map((r) => r.ms)),
  });

  /** Waits until every id is graded; returns the seconds from `since` and the per-submission end-to-end times. */
  const drain = async (ids: string[], since: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = await prisma.submission.count({ where: { id: { in: ids }, status: { in: ['pending', 'processing'] } } });
      if (open === 0) break;
      if (Date.now() > deadline) throw new Error(`${open} of ${ids.length} submissions still not graded after ${timeoutMs} ms`);
      await sleep(250);
    }
    const rows = await prisma.$queryRaw<{ id: string; status: string; created_at: Date; done_at: Date | null; results: bigint }[]>`
      SELECT s.id, s.status::text, s.created_at,
             (SELECT max(e.created_at) FROM submission_events e WHERE e.submission_id = s.id AND e.to_status IN ('completed','review_pending','failed')) AS done_at,
             (SELECT count(*) FROM grading_results r WHERE r.submission_id = s.id) AS results
      FROM submissions s WHERE s.id = ANY(${ids}::uuid[])`;
    const doneAt = Math.max(...rows.map((r) => r.done_at!.getTime()));
    return {
      stored: rows.length,
      completed: rows.filter((r) => r.status === 'completed').length,
      notCompleted: rows.filter((r) => r.status !== 'completed').length,
      duplicated: rows.filter((r) => Number(r.results) > 1).length,
      seconds: round((doneAt - since) / 1000),
      gradedPerSecond: round(ids.length / ((doneAt - since) / 1000)),
      endToEndMs: summarise(rows.map((r) => r.done_at!.getTime() - r.created_at.getTime())),
    };
  };

  // 1. The exam-deadline burst: the bare insert endpoint first (the baseline), then the API.
  say(`Burst: ${N} submissions from ${C} clients, bare Express insert (baseline) ...`);
  const barePort = await freePort();
  const bare = runChild('bare-insert', 'bench/bare-insert.ts', { DATABASE_URL: pg.url, DATABASE_POOL_SIZE: '10', PORT: String(barePort) }, logFile);
  cleanups.unshift(bare.stop);
  await waitForBare(`http://127.0.0.1:${barePort}/submissions`);
  const toBare = () => ({ url: `http://127.0.0.1:${barePort}/submissions`, headers: { 'content-type': 'application/json' }, body: essay });
  await burst(Math.min(200, N), C, toBare); // warm-up
  const baseline = await burst(N, C, toBare);
  await bare.stop();
  say(`  ${round(baseline.acceptedPerSecond)} accepted/s`);

  say(`Burst: ${N} submissions from ${C} clients, the API (provider latency 0 ms) ...`);
  await burst(Math.min(200, N), C, toApi).then((w) => drain(acceptedIds(w), w.startedAt, 600_000)); // warm-up, graded before measuring
  standIn.reset();
  const apiBurst = await burst(N, C, toApi);
  say(`  ${round(apiBurst.acceptedPerSecond)} accepted/s; draining ...`);
  const fastIds = acceptedIds(apiBurst);
  const drainFast = await drain(fastIds, apiBurst.startedAt, 900_000);
  say(`  all graded ${drainFast.seconds} s after the burst began`);

  // 2. Drain with a provider that takes 1 s per answer.
  say(`Drain: ${N} submissions, provider latency 1000 ms ...`);
  standIn.latencyMs = 1000;
  const slowBurst = await burst(N, C, toApi);
  const drainSlow = await drain(acceptedIds(slowBurst), slowBurst.startedAt, 1_800_000);
  say(`  all graded ${drainSlow.seconds} s after the burst began`);

  // 3. Orchestration overhead: one submission at a time on an idle platform; end to end minus provider time.
  const overhead = async (latencyMs: number) => {
    standIn.latencyMs = latencyMs;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const samples: number[] = [];
    const endToEnd: number[] = [];
    for (let i = 0; i < M; i++) {
      const r = await send(agent, `${api}/submissions`, 'POST', toApi(0, 0).headers, essay);
      const { id } = JSON.parse(r.body) as { id: string };
      const wait = await send(agent, `${api}/submissions/${id}/wait?timeout=60`, 'GET', toApi(0, 0).headers);
      if ((JSON.parse(wait.body) as { status: string }).status !== 'completed') throw new Error(`overhead run: ${wait.body}`);
      const [row] = await prisma.$queryRaw<{ ms: number }[]>`
        SELECT extract(epoch FROM (max(e.created_at) - min(s.created_at))) * 1000 AS ms
        FROM submissions s JOIN submission_events e ON e.submission_id = s.id AND e.to_status = 'completed' WHERE s.id = ${id}::uuid`;
      endToEnd.push(Number(row!.ms));
      samples.push(Number(row!.ms) - latencyMs);
    }
    agent.destroy();
    return { providerLatencyMs: latencyMs, submissions: M, endToEndMs: summarise(endToEnd), overheadMs: summarise(samples) };
  };
  say(`Orchestration overhead: ${M} sequential submissions at 0 ms and 1000 ms ...`);
  const overheads = [await overhead(0), await overhead(1000)];

  // 4. Provider rate-limit utilisation: the worker limited to RPM, the stand-in enforcing it too.
  say(`Rate limit: ${RPM_N} submissions with SCORING_REQUESTS_PER_MINUTE=${RPM} ...`);
  await worker.stop();
  worker = await startWorker({ SCORING_REQUESTS_PER_MINUTE: String(RPM) });
  standIn.latencyMs = 0;
  standIn.rpm = RPM;
  standIn.reset();
  const rpmBurst = await burst(RPM_N, C, toApi);
  const drainRpm = await drain(acceptedIds(rpmBurst), rpmBurst.startedAt, 1_800_000);
  const times = standIn.servedAt;
  const spanSeconds = (times.at(-1)! - times[0]!) / 1000;
  // n answers span n-1 intervals of the allowed rate.
  const achievedRpm = ((standIn.served - 1) / spanSeconds) * 60;
  const rateLimit = {
    configuredRpm: RPM,
    submissions: RPM_N,
    served: standIn.served,
    rejected429: standIn.rejected,
    achievedRpm: round(achievedRpm),
    utilisation: round(achievedRpm / RPM),
    drainSeconds: drainRpm.seconds,
    idealSeconds: round(((RPM_N - 1) / RPM) * 60),
  };
  standIn.rpm = 0;
  say(`  ${rateLimit.achievedRpm} of ${RPM} RPM used (${Math.round(rateLimit.utilisation * 100)} %), ${rateLimit.rejected429} answers 429`);

  // 5. SSE fan-out: S streams on one submission; the delivery latency of its `completed` event.
  say(`SSE fan-out: ${S} streams on one submission ...`);
  const release = standIn.hold();
  const target = JSON.parse((await send(new Agent(), `${api}/submissions`, 'POST', toApi(0, 0).headers, essay)).body) as { id: string };
  const streamAgent = new Agent({ keepAlive: true, maxSockets: S + 10 });
  const streams: Stream[] = [];
  for (let i = 0; i < S; i += 100) {
    streams.push(...(await Promise.all(Array.from({ length: Math.min(100, S - i) }, () => openStream(streamAgent, `${api}/submissions/${target.id}/events`, tokens[0]!)))));
  }
  // Every stream has caught up (the submission is processing, its answer held) before the event.
  await until(() => streams.every((s) => s.events.some((e) => e.to === 'processing')), 120_000, 'every stream to see processing');
  const sseRssBefore = apiChild.peakRssMiB();
  release();
  await until(() => streams.every((s) => s.events.some((e) => e.to === 'completed')), 120_000, 'every stream to see completed').catch((e: Error) => say(`  ${e.message}`));
  const delivered = streams.map((s) => s.events.find((e) => e.to === 'completed')).filter((e) => e !== undefined);
  const fanOut = {
    streams: S,
    delivered: delivered.length,
    latencyMs: summarise(delivered.map((e) => e.receivedAt - new Date(e.createdAt).getTime())),
    apiRssMiBWithStreams: sseRssBefore,
  };
  for (const s of streams) s.close();
  streamAgent.destroy();
  say(`  delivered to ${fanOut.delivered}/${S}: p50 ${fanOut.latencyMs.p50} ms, p99 ${fanOut.latencyMs.p99} ms`);

  const memory = Object.fromEntries(
    ['api', 'worker'].map((name) => {
      const ofName = children.filter((c) => c.name === name);
      return [name, { peakRssMiB: Math.max(...ofName.map((c) => c.peakRssMiB())), highWaterMiB: Math.max(...ofName.map((c) => c.highWaterMiB())) }];
    }),
  );

  const result = {
    startedAt: startedAt.toISOString(),
    command,
    parameters: { N, C, S, M, RPM, RPM_N, scoringWorkerConcurrency: 20, databasePoolSize: 10 },
    machine: await machine(pg.url),
    burst: {
      baseline: burstSummary(baseline),
      api: burstSummary(apiBurst),
      ratio: round(apiBurst.acceptedPerSecond / baseline.acceptedPerSecond),
      lost: fastIds.length - drainFast.stored,
    },
    drain: { providerLatency0ms: drainFast, providerLatency1000ms: { ...drainSlow, accepted: acceptedIds(slowBurst).length } },
    overhead: overheads,
    rateLimit,
    sseFanOut: fanOut,
    memory,
  };
  return result;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function waitForBare(url: string) {
  const deadline = Date.now() + 60_000;
  while ((await fetch(url, { method: 'GET' }).then((r) => r.status, () => 0)) === 0) {
    if (Date.now() > deadline) throw new Error('the bare insert server did not start');
    await sleep(200);
  }
}

async function machine(databaseUrl: string) {
  const version = (cmd: string, argv: string[]) => {
    try {
      return execFileSync(cmd, argv, { encoding: 'utf8' }).trim().split('\n')[0];
    } catch {
      return 'unknown';
    }
  };
  const pkg = async (name: string) => (JSON.parse(await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  const prisma = createPrisma(databaseUrl, 1);
  const [row] = await prisma.$queryRaw<{ version: string }[]>`SELECT version()`;
  const postgres = row?.version ?? 'unknown';
  await prisma.$disconnect();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    postgres: postgres.split(' on ')[0],
    temporal: version(findExecutable('temporal') ?? 'temporal', ['--version']),
    redis: version('redis-server', ['--version']),
    packages: Object.fromEntries(await Promise.all(['express', '@temporalio/worker', '@prisma/client', 'openai', 'ioredis'].map(async (p) => [p, await pkg(p)]))),
    gitCommit: version('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
  };
}

export type BenchResult = Awaited<ReturnType<typeof measure>>;
export type { Summary };
