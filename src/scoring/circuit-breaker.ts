// A circuit breaker per scoring provider, shared by every worker through Redis. Outcomes are
// counted in fixed windows; when failures exceed the threshold (with enough calls to judge),
// the circuit opens for the cooldown and calls fail fast, telling Temporal when to retry.
// After the cooldown calls flow again and a fresh window is counted. Without Redis it stays
// closed: the breaker protects the provider, it must never stop grading on its own.
import { circuitOpenings, circuitOpenUntil } from '../lib/metrics.ts';
import type { Redis } from '../lib/redis.ts';

export interface CircuitBreakerOptions {
  failureRate: number;
  minCalls: number;
  windowSeconds: number;
  cooldownSeconds: number;
}

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(
    readonly provider: string,
    readonly retryAfterMs: number,
  ) {
    super(`the ${provider} circuit is open after repeated failures; retrying in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

// Counts an outcome; opens the circuit when the window's failure rate passes the threshold.
const recordScript = `
local total = redis.call('INCR', KEYS[1])
if total == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local failed = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[2] == '1' then
  failed = redis.call('INCR', KEYS[2])
  if failed == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
end
if ARGV[2] == '1' and total >= tonumber(ARGV[3]) and failed / total > tonumber(ARGV[4]) then
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0`;

export interface CircuitBreaker {
  /** Throws CircuitOpenError while the circuit is open. */
  check(): Promise<void>;
  record(failed: boolean): Promise<void>;
}

export function createCircuitBreaker(
  redis: Redis | undefined,
  provider: string,
  options: CircuitBreakerOptions,
  onOpen: (provider: string) => void = () => undefined,
): CircuitBreaker {
  const prefix = `circuit:${provider}`;
  const keys = [`${prefix}:total`, `${prefix}:failed`, `${prefix}:open`];
  return {
    async check() {
      if (!redis) return;
      const remaining = await redis.pttl(keys[2]!).catch(() => -2);
      circuitOpenUntil.set(provider, remaining > 0 ? Date.now() + remaining : 0);
      if (remaining > 0) throw new CircuitOpenError(provider, remaining);
    },
    async record(failed) {
      if (!redis) return;
      const opened = await redis
        .eval(recordScript, 3, ...keys, options.windowSeconds * 1000, failed ? '1' : '0', options.minCalls, options.failureRate, options.cooldownSeconds * 1000)
        .catch(() => 0);
      if (opened === 1) {
        circuitOpenings.inc({ provider });
        circuitOpenUntil.set(provider, Date.now() + options.cooldownSeconds * 1000);
        onOpen(provider);
      }
    },
  };
}
