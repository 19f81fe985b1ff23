// The worker side of the platform, assembled once for the worker entry point and `npm start`:
// search attributes checked, the grading and scoring workers (with the shared circuit breaker)
// running, and the reconciler that starts grading for submissions stored while Temporal was down.
import type { Config } from '../src/config/env.ts';
import type { Logger } from '../src/lib/logger.ts';
import type { PrismaClient } from '../src/lib/prisma.ts';
import { connectRedis } from '../src/lib/redis.ts';
import { ensureSearchAttributes } from '../src/grading/ensure-search-attributes.ts';
import { connectTemporalClient, temporalAddressOf } from '../src/lib/temporal.ts';
import { createCircuitBreaker } from '../src/scoring/circuit-breaker.ts';
import { startTracing } from '../src/lib/tracing.ts';
import { createScorer } from '../src/scoring/index.ts';
import { createTranscriber } from '../src/speech/index.ts';
import { createAudioStore } from '../src/storage/audio-store.ts';
import { startReconciler } from '../src/grading/reconciler.ts';
import { createGradingStarter } from '../src/grading/starter.ts';
import { createGradingWorker, providerQueuesFrom } from './create-grading-worker.ts';
import { listen, workerHealthApp } from './worker-health.ts';
import type { AddressInfo } from 'node:net';

export interface RunningGradingService {
  /** Settles once the workers have stopped and every connection is closed. */
  done: Promise<void>;
  /** Asks the workers to drain (if the Temporal runtime has not already) and waits for `done`. */
  stop: () => Promise<void>;
}

export async function startGradingService(
  config: Config,
  logger: Logger,
  prisma: PrismaClient,
  { http = true }: { http?: boolean } = {},
): Promise<RunningGradingService> {
  const address = temporalAddressOf(config);
  const { client, connection } = await connectTemporalClient(address, config.temporal.namespace);
  if (config.temporal.searchAttributes) await ensureSearchAttributes(connection, config.temporal.namespace, logger);
  const redis = config.redis.url ? await connectRedis(config.redis.url) : undefined;
  const scorer = createScorer(config);
  const breaker = createCircuitBreaker(redis, scorer.provider, config.scoring.circuitBreaker, (provider) =>
    logger.warn({ provider }, 'scoring circuit opened: failing fast during the cooldown'),
  );
  const audioStore = createAudioStore(config);
  const { transcriber, problem } = createTranscriber(config);
  if (problem) logger.warn(`${problem}; speaking answers go to graders without a transcript (or fail in auto mode)`);
  const transcriptionBreaker = createCircuitBreaker(redis, `${transcriber.provider}-transcription`, config.scoring.circuitBreaker, (provider) =>
    logger.warn({ provider }, 'transcription circuit opened: failing fast during the cooldown'),
  );
  const tracing = startTracing(config, 'worker');
  const grading = await createGradingWorker({
    tracing,
    address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...providerQueuesFrom(config),
    deps: { prisma, scorer, breaker, transcriber, audioStore, transcriptionBreaker },
  });
  const starter = createGradingStarter({ config, prisma, temporal: client, logger });
  const stopReconciler = startReconciler({ prisma, logger, startGrading: starter.resume, startAppeal: starter.startAppeal }, config.reconciler);
  logger.info(
    {
      taskQueues: [config.temporal.taskQueue, config.temporal.scoringTaskQueue, config.temporal.transcriptionTaskQueue],
      scorer: scorer.provider,
      transcriber: transcriber.provider,
    },
    'workers polling',
  );

  // The worker's own /health, /ready (database, Temporal, and whether every worker polls),
  // /version and /metrics, for orchestrators and Prometheus.
  const server = http && config.worker.httpPort > 0 ? await listen(workerHealthApp(config, prisma, connection, grading.workers), config) : undefined;
  if (server) logger.info({ port: (server.address() as AddressInfo).port }, 'worker health and metrics listening');

  const done = grading.run().finally(async () => {
    stopReconciler();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await Promise.all([grading.connection.close(), connection.close(), tracing?.shutdown()]);
    redis?.disconnect();
  });
  return {
    done,
    stop: async () => {
      grading.shutdown();
      await done;
    },
  };
}
