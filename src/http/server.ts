// API entry point: connects to Postgres and Temporal, listens, and shuts down gracefully.
import type { Server } from 'node:http';
import { loadConfigOrExit, type Config } from '../config/env.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { createPrisma } from '../lib/prisma.ts';
import { connectRedis } from '../lib/redis.ts';
import { loadTokenKeys } from '../auth/token-keys.ts';
import { connectTemporalClient, temporalAddressOf } from '../lib/temporal.ts';
import { startEventHub } from '../live/event-hub.ts';
import { startTracing } from '../lib/tracing.ts';
import { createApp } from './app.ts';

export interface RunningApi {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

export async function startApi(config: Config, logger: Logger): Promise<RunningApi> {
  if (!config.database.url) throw new Error('DATABASE_URL is not set');
  const prisma = createPrisma(config.database.url, config.database.poolSize);
  const tracing = startTracing(config, 'api');
  const { client, connection } = await connectTemporalClient(temporalAddressOf(config), config.temporal.namespace, tracing?.clientInterceptors);
  const tokenKeys = await loadTokenKeys(config);
  if (tokenKeys.ephemeral) logger.warn('JWT_KEYS is not set: signing with a key generated for this process (local/test only)');
  const redis = config.redis.url ? await connectRedis(config.redis.url) : undefined;
  const events = await startEventHub(config.database.url, logger);
  const app = createApp({ config, prisma, temporal: client, logger, tokenKeys, redis, events });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.http.port, config.http.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  return {
    server,
    url,
    async close() {
      // Stop accepting connections, then end the live streams (they would hold the server
      // open), then wait for the requests in flight.
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await events.close();
      await drained;
      await connection.close();
      await tracing?.shutdown();
      await prisma.$disconnect();
      redis?.disconnect();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty, name: 'api' });
  const api = await startApi(config, logger);
  logger.info({ url: api.url }, 'API listening');
  let stopping = false;
  const shutdown = (signal: string) => {
    // A signal can arrive twice (process group and a relaying parent such as tsx or npm).
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down API');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    api.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error('API failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
