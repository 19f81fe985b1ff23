// Fixed-window rate limits in Redis, per IP and per account. Answers carry RateLimit-* headers
// (IETF draft) for the tightest applicable limit; over the limit is 429 with Retry-After. When
// Redis is unreachable requests are served without limits and one warning is logged until it
// recovers: limits degrade gracefully rather than taking the API down with Redis.
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.ts';
import type { Redis } from '../redis.ts';
import { TooManyRequestsError } from './errors.ts';

const script = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export interface LimitRule {
  /** e.g. "ip" or "account" */
  scope: string;
  /** The IP address or account key; rules without an id are skipped. */
  id: string | undefined;
  limit: number;
}

interface Verdict {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export function createRateLimiter(redis: Redis | undefined, logger: Logger) {
  let degraded = false;

  function degrade(error: unknown): null {
    if (!degraded) {
      degraded = true;
      logger.warn({ err: error }, 'rate limiting is off: Redis is unreachable; requests are served without limits');
    }
    return null;
  }

  return {
    get degraded() {
      return degraded || !redis;
    },

    /** Counts one hit against every rule; null when limits cannot be checked. */
    async hit(name: string, windowSeconds: number, rules: LimitRule[]): Promise<Verdict[] | null> {
      if (!redis) return null;
      const active = rules.filter((r) => r.id);
      try {
        const results = await Promise.all(
          active.map(
            (r) =>
              redis.eval(script, 1, `ratelimit:${name}:${r.scope}:${r.id}`, windowSeconds * 1000) as Promise<[number, number]>,
          ),
        );
        if (degraded) {
          degraded = false;
          logger.info('rate limiting is back on: Redis is reachable again');
        }
        return results.map(([count, ttlMs], i) => ({
          limit: active[i]!.limit,
          remaining: active[i]!.limit - count,
          resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
        }));
      } catch (error) {
        return degrade(error);
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function rateLimit(
  limiter: RateLimiter,
  name: string,
  windowSeconds: number,
  rules: (req: Request, res: Response) => LimitRule[],
): RequestHandler {
  return async (req, res, next) => {
    const verdicts = await limiter.hit(name, windowSeconds, rules(req, res));
    if (!verdicts || verdicts.length === 0) return next();
    const tightest = verdicts.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    res.setHeader('RateLimit-Limit', String(tightest.limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, tightest.remaining)));
    res.setHeader('RateLimit-Reset', String(tightest.resetSeconds));
    res.setHeader('RateLimit-Policy', verdicts.map((v) => `${v.limit};w=${windowSeconds}`).join(', '));
    const exceeded = verdicts.filter((v) => v.remaining < 0);
    if (exceeded.length > 0) {
      const retryAfter = Math.max(...exceeded.map((v) => v.resetSeconds));
      res.setHeader('Retry-After', String(retryAfter));
      throw new TooManyRequestsError(retryAfter);
    }
    next();
  };
}
