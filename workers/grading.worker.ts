// Worker entry point for the `grading` task queue: runs GradeSubmission workflows and their
// activities, plus the reconciler that starts grading for submissions stored while Temporal
// was unreachable.
import { loadConfigOrExit } from '../src/config/env.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createPrisma } from '../src/lib/prisma.ts';
import { ensureSearchAttributes } from '../src/lib/search-attributes.ts';
import { installTemporalRuntime } from '../src/lib/temporal-runtime.ts';
import { connectTemporalClient, temporalAddressOf } from '../src/lib/temporal.ts';
import { connectRedis } from '../src/lib/redis.ts';
import { createCircuitBreaker } from '../src/scoring/circuit-breaker.ts';
import { createScorer } from '../src/scoring/index.ts';
import { startReconciler } from '../src/submissions/submission.reconciler.ts';
import { createSubmissionService } from '../src/submissions/submission.service.ts';
import { createGradingWorker, scoringLimitsFrom } from './create-grading-worker.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty, name: 'worker' });
  installTemporalRuntime(logger);
  if (!config.database.url) throw new Error('DATABASE_URL is not set');
  const prisma = createPrisma(config.database.url, config.database.poolSize);
  const address = temporalAddressOf(config);
  const { client, connection: clientConnection } = await connectTemporalClient(address, config.temporal.namespace);
  if (config.temporal.searchAttributes) await ensureSearchAttributes(clientConnection, config.temporal.namespace, logger);
  const redis = config.redis.url ? await connectRedis(config.redis.url) : undefined;
  const scorer = createScorer(config);
  const breaker = createCircuitBreaker(redis, scorer.provider, config.scoring.circuitBreaker, (provider) =>
    logger.warn({ provider }, 'scoring circuit opened: failing fast during the cooldown'),
  );
  const grading = await createGradingWorker({
    address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    scoring: scoringLimitsFrom(config),
    deps: { prisma, scorer, breaker },
  });
  const service = createSubmissionService({ config, prisma, temporal: client, logger });
  const stopReconciler = startReconciler({ prisma, logger, startGrading: service.startGrading });
  logger.info({ taskQueues: [config.temporal.taskQueue, config.temporal.scoringTaskQueue] }, 'workers polling');
  // Resolves once shutdown (the Temporal runtime reacts to SIGINT/SIGTERM) has drained them.
  await grading.run();
  stopReconciler();
  await Promise.all([grading.connection.close(), clientConnection.close(), prisma.$disconnect()]);
  redis?.disconnect();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error('worker failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
