// An in-process platform for integration tests: the real API on an ephemeral port and a real
// worker on a task queue of its own, against the run's shared PostgreSQL and Temporal server.
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { loadConfig, readEnvironment, type Config } from '../../src/config/env.ts';
import { createApp } from '../../src/http/app.ts';
import { loadTokenKeys, type TokenKeys } from '../../src/auth/token-keys.ts';
import { createLogger, type Logger } from '../../src/lib/logger.ts';
import { connectRedis, type Redis } from '../../src/lib/redis.ts';
import { createPrisma, type PrismaClient } from '../../src/lib/prisma.ts';
import { installTemporalRuntime } from '../../src/lib/temporal-runtime.ts';
import { BaselineScorer } from '../../src/scoring/baseline-scorer.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';
import { createTranscriber } from '../../src/speech/index.ts';
import type { Transcriber } from '../../src/speech/transcriber.ts';
import { createAudioStore, type AudioStore } from '../../src/storage/audio-store.ts';
import { createPollingHub, startEventHub } from '../../src/live/event-hub.ts';
import { createGradingWorker, providerQueuesFrom } from '../../workers/create-grading-worker.ts';

export interface TestPlatform {
  baseUrl: string;
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  redis: Redis;
  tokenKeys: TokenKeys;
  audioStore: AudioStore;
  stop: () => Promise<void>;
}

export const testLogger = createLogger({ level: readEnvironment().TEST_LOG_LEVEL ?? 'silent' });

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    APP_ENV: 'test',
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    REDIS_URL: inject('redisUrl'),
    ...(inject('whisperUrl') ? { WHISPER_URL: inject('whisperUrl') } : {}),
    TEMPORAL_TASK_QUEUE: `grading-test-${randomUUID()}`,
    GRADING_RETRY_INITIAL_SECONDS: '0.05',
    // Test files share one Redis and one client IP; rate-limit tests set their own limits.
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000',
    RATE_LIMIT_REGISTER_PER_IP: '1000000',
    RATE_LIMIT_REFRESH_PER_IP: '1000000',
    RATE_LIMIT_SUBMISSIONS_PER_ACCOUNT: '1000000',
    RATE_LIMIT_SUBMISSIONS_PER_IP: '1000000',
    GRADING_RETRY_BACKOFF_CAP_SECONDS: '0.2',
    ...overrides,
  });
}

export async function startTestPlatform(
  options: {
    scorer?: Scorer;
    transcriber?: Transcriber;
    env?: Record<string, string>;
    worker?: boolean;
    logger?: Logger;
    /** false: live streams get no notifications and rely on their heartbeat re-checks. */
    notifications?: boolean;
  } = {},
): Promise<TestPlatform> {
  installTemporalRuntime(testLogger);
  // Each platform keeps its recordings in a directory of its own, removed when it stops.
  const audioDir = await mkdtemp(path.join(tmpdir(), 'vstep-audio-'));
  const config = testConfig({ AUDIO_STORAGE_DIR: audioDir, ...options.env });
  const audioStore = createAudioStore(config);
  const tokenKeys = await loadTokenKeys(config);
  const redis = await connectRedis(config.redis.url!);
  const prisma = createPrisma(config.database.url!, 5);
  const connection = await Connection.connect({ address: config.temporal.address! });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });

  const stops: Array<() => Promise<unknown>> = [];
  if (options.worker !== false) {
    const grading = await createGradingWorker({
      address: config.temporal.address!,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...providerQueuesFrom(config),
      deps: {
        prisma,
        scorer: options.scorer ?? new BaselineScorer(),
        transcriber: options.transcriber ?? createTranscriber(config).transcriber,
        audioStore,
      },
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const running = grading.run();
    stops.push(async () => {
      grading.shutdown();
      await running;
      await grading.connection.close();
    });
  }

  const events = options.notifications === false ? createPollingHub() : await startEventHub(config.database.url!, testLogger);
  const app = createApp({ config, prisma, temporal, logger: options.logger ?? testLogger, tokenKeys, redis, audioStore, events });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  stops.unshift(
    () => events.close(),
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
  stops.push(
    () => connection.close(),
    () => prisma.$disconnect(),
    async () => redis.disconnect(),
    () => rm(audioDir, { recursive: true, force: true }),
  );

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    prisma,
    temporal,
    redis,
    tokenKeys,
    audioStore,
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
