// Worker entry point: the grading and scoring workers plus the reconciler (workers/grading-service.ts).
import { loadConfigOrExit } from '../src/config/env.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createPrisma } from '../src/lib/prisma.ts';
import { installTemporalRuntime } from '../src/lib/temporal-runtime.ts';
import { startGradingService } from './grading-service.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty, name: 'worker' });
  installTemporalRuntime(logger);
  if (!config.database.url) throw new Error('DATABASE_URL is not set');
  const prisma = createPrisma(config.database.url, config.database.poolSize);
  const grading = await startGradingService(config, logger, prisma);
  // Settles once shutdown (the Temporal runtime reacts to SIGINT/SIGTERM) has drained the workers.
  await grading.done;
  await prisma.$disconnect();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error('worker failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
