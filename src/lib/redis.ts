// ioredis for cache and rate limiting. Commands fail at once while Redis is unreachable
// (no offline queue), so callers can degrade instead of hanging.
import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2000),
  });
  // Connection errors surface through failing commands; the client keeps reconnecting.
  redis.on('error', () => undefined);
  return redis;
}
