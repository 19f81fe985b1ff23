// Liveness, readiness, build metadata and metrics, for the API and the worker alike. /ready
// checks each dependency with a time limit and reports its latency; any critical dependency
// down makes the answer 503.
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { operationOf } from '../lib/http/operation.ts';
import { registry } from '../lib/metrics.ts';

export type DependencyCheck = () => Promise<void>;

export interface ReadinessChecks {
  /** Without these the service cannot work: any one down makes /ready answer 503. */
  critical: Record<string, DependencyCheck>;
  /** The service works without these, in a degraded way (null: not configured). */
  optional?: Record<string, DependencyCheck | null>;
}

export interface HealthDeps {
  config: Config;
  checks: ReadinessChecks;
  /** Longest a check may take. */
  timeoutMs: number;
  startedAt: number;
}

const checkResult = z.strictObject({
  status: z.enum(['up', 'down', 'degraded', 'disabled']),
  latencyMs: z.number(),
  error: z.string().optional(),
});
type CheckResult = z.infer<typeof checkResult>;

export const healthSchema = z.strictObject({ status: z.literal('ok'), uptimeSeconds: z.number().int() }).meta({ id: 'Health' });
export const readinessSchema = z
  .strictObject({ status: z.enum(['ready', 'degraded', 'not_ready']), dependencies: z.record(z.string(), checkResult) })
  .meta({ id: 'Readiness', description: 'Each dependency with its status and latency; Redis down is degraded, not unready.' });
export const versionSchema = z.strictObject({ version: z.string(), gitSha: z.string(), buildDate: z.string() }).meta({ id: 'Version' });

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

async function readiness({ checks, timeoutMs }: HealthDeps) {
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
    ...critical.map(([name], i) => [name, criticalResults[i]!] as const),
    ...optional.map(([name], i) => [name, optionalResults[i]!] as const),
  ]);
  const ready = criticalResults.every((r) => r.status === 'up');
  const degraded = optionalResults.some((r) => r.status !== 'up');
  const status = ready ? (degraded ? 'degraded' : 'ready') : 'not_ready';
  return { ready, body: { status, dependencies } satisfies z.input<typeof readinessSchema> };
}

const operation = operationOf<HealthDeps>();
const tag = 'Operations';

export const healthRoutes = [
  operation({
    method: 'get',
    path: '/health',
    summary: 'The process is alive',
    tag,
    responses: { 200: { description: 'Alive', schema: healthSchema } },
    handler: async (_input, { deps, reply }) => reply(200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) }),
  }),
  operation({
    method: 'get',
    path: '/ready',
    summary: 'PostgreSQL, Temporal and Redis reachable, each with status and latency',
    tag,
    responses: { 200: { description: 'Ready (Redis down: degraded)', schema: readinessSchema }, 503: { description: 'Not ready', schema: readinessSchema } },
    handler: async (_input, { deps, reply }) => {
      const { ready, body } = await readiness(deps);
      return ready ? reply(200, body) : reply(503, body);
    },
  }),
  operation({
    method: 'get',
    path: '/version',
    summary: 'APP_VERSION, GIT_SHA, BUILD_DATE',
    tag,
    responses: { 200: { description: 'Version', schema: versionSchema } },
    handler: async (_input, { deps: { config }, reply }) =>
      reply(200, { version: config.build.version, gitSha: config.build.gitSha, buildDate: config.build.buildDate }),
  }),
  operation({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag,
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
    handler: async (_input, { res }) => {
      res.type(registry.contentType).send(await registry.metrics());
    },
  }),
];
