import { Client, Connection } from '@temporalio/client';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { startTestPlatform, testConfig, testLogger, type TestPlatform } from '../helpers/platform.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false, env: { APP_VERSION: '1.2.3', GIT_SHA: 'abc123' } });
});
afterAll(() => platform?.stop());

describe('health and readiness', () => {
  it('when the process is up, then /health answers 200', async () => {
    const res = await fetch(`${platform.baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('when Postgres and Temporal are reachable, then /ready answers 200 with each dependency and its latency', async () => {
    const res = await fetch(`${platform.baseUrl}/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; dependencies: Record<string, { status: string; latencyMs: number }> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.dependencies).sort()).toEqual(['postgres', 'redis', 'temporal']);
    for (const dep of Object.values(body.dependencies)) {
      expect(dep.status).toBe('up');
      expect(dep.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('when Temporal is unreachable, then /ready answers 503 and names it', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = createApp({
      config: testConfig(),
      prisma: platform.prisma,
      temporal: new Client({ connection }),
      logger: testLogger,
      tokenKeys: platform.tokenKeys,
      redis: platform.redis,
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { dependencies: Record<string, { status: string }> };
      expect(body.dependencies.postgres!.status).toBe('up');
      expect(body.dependencies.temporal!.status).toBe('down');
      // Nothing may keep retrying after the answer: a call still retrying when the connection
      // closes below would surface as an uncaught "Channel has been shut down".
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      server.close();
      await connection.close().catch(() => undefined);
    }
  });

  it('when scraped, then /metrics answers in the Prometheus text format with the grading counters', async () => {
    const res = await fetch(`${platform.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of ['vstep_review_escalations_total', 'vstep_sla_breaches_total', 'vstep_circuit_breaker_openings_total', 'vstep_process_cpu_seconds_total']) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('when asked for /version, then it reports the build metadata from configuration', async () => {
    const res = await fetch(`${platform.baseUrl}/version`);
    expect(await res.json()).toEqual({ version: '1.2.3', gitSha: 'abc123', buildDate: 'unknown' });
  });

  it('when any response is sent, then it carries a request id, and a sane caller id is echoed', async () => {
    const minted = await fetch(`${platform.baseUrl}/health`);
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${platform.baseUrl}/health`, { headers: { 'x-request-id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    const refused = await fetch(`${platform.baseUrl}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(refused.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });
});
