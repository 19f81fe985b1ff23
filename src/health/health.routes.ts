// Liveness, readiness and build metadata. /ready checks each dependency with a time limit and
// reports its latency; any dependency down makes the answer 503.
import { Router } from 'express';
import type { Config } from '../config/env.ts';
import { registry } from '../lib/metrics.ts';

export type DependencyCheck = () => Promise<void>;

interface CheckResult {
  status: 'up' | 'down' | 'degraded' | 'disabled';
  latencyMs: number;
  error?: string;
}

async function runCheck(check: DependencyCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'unreachable',
    };
  } finally {
    clearTimeout(timer);
  }
}

export interface ReadinessChecks {
  /** Without these the service cannot work: any one down makes /ready answer 503. */
  critical: Record<string, DependencyCheck>;
  /** The service works without these, in a degraded way (null: not configured). */
  optional?: Record<string, DependencyCheck | null>;
}

export function healthRoutes(config: Config, checks: ReadinessChecks, timeoutMs = 2000): Router {
  const router = Router();
  const startedAt = Date.now();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
  });

  router.get('/ready', async (_req, res) => {
    const critical = Object.entries(checks.critical);
    const optional = Object.entries(checks.optional ?? {});
    const [criticalResults, optionalResults] = await Promise.all([
      Promise.all(critical.map(([, check]) => runCheck(check, timeoutMs))),
      Promise.all(
        optional.map(async ([, check]): Promise<CheckResult> => {
          if (!check) return { status: 'disabled', latencyMs: 0 };
          const result = await runCheck(check, timeoutMs);
          return result.status === 'down' ? { ...result, status: 'degraded' } : result;
        }),
      ),
    ]);
    const dependencies = Object.fromEntries([
      ...critical.map(([name], i) => [name, criticalResults[i]]),
      ...optional.map(([name], i) => [name, optionalResults[i]]),
    ]);
    const ready = criticalResults.every((r) => r.status === 'up');
    const degraded = optionalResults.some((r) => r.status !== 'up');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? (degraded ? 'degraded' : 'ready') : 'not_ready', dependencies });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  router.get('/version', (_req, res) => {
    res.json({ version: config.build.version, gitSha: config.build.gitSha, buildDate: config.build.buildDate });
  });

  return router;
}
