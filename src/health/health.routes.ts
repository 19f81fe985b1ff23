// Liveness, readiness and build metadata. /ready checks each dependency with a time limit and
// reports its latency; any dependency down makes the answer 503.
import { Router } from 'express';
import type { Config } from '../config/env.ts';

export type DependencyCheck = () => Promise<void>;

interface CheckResult {
  status: 'up' | 'down';
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

export function healthRoutes(config: Config, checks: Record<string, DependencyCheck>, timeoutMs = 2000): Router {
  const router = Router();
  const startedAt = Date.now();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
  });

  router.get('/ready', async (_req, res) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!, timeoutMs)));
    const dependencies = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const ready = results.every((r) => r.status === 'up');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', dependencies });
  });

  router.get('/version', (_req, res) => {
    res.json({ version: config.build.version, gitSha: config.build.gitSha, buildDate: config.build.buildDate });
  });

  return router;
}
