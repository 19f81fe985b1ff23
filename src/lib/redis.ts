// ioredis for cache, rate limiting and the circuit breaker. Commands fail at once while Redis
// is unreachable (no offline queue), so callers can degrade instead of hanging; for the same
// reason a new client is only handed out once it is ready (or known to be down).
import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

export async function connectRedis(url: string, readyTimeoutMs = 3000): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2000),
  });
  // Connection errors surface through failing commands; the client keeps reconnecting.
  redis.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, readyTimeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
