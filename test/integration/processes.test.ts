// The real entry points as separate processes: the worker serves its own health, readiness
// (including whether it polls) and metrics, grades what the API accepts, and stops cleanly on
// SIGTERM; the API ends its open event streams and exits cleanly on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '../../src/auth/token-keys.ts';
import { freePort } from '../../src/embedded/ports.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { killProcessGroup, runEntryPoint, type RunningProcess } from '../helpers/processes.ts';
import { openStream } from '../helpers/sse.ts';
import { submitWriting } from '../helpers/submissions.ts';

let platform: TestPlatform;
let keys: Record<string, string>;
const children: RunningProcess[] = [];

beforeAll(async () => {
  const jwk = await generateSigningJwk('processes-test');
  keys = { JWT_KEYS: JSON.stringify([jwk]), JWT_SIGNING_KID: 'processes-test' };
  // No in-process worker: the spawned worker process does the grading.
  platform = await startTestPlatform({ worker: false, env: keys });
});
afterAll(async () => {
  for (const running of children) if (running.child.exitCode === null) killProcessGroup(running, 'SIGKILL');
  await platform?.stop();
});

function run(entry: string, env: Record<string, string>) {
  const running = runEntryPoint(platform, entry, { ...keys, ...env });
  children.push(running);
  return running;
}

describe('the worker process', () => {
  it('when it runs, then /ready reports the database, Temporal and polling; it grades; SIGTERM stops it cleanly', async () => {
    const port = await freePort();
    const worker = run('workers/grading.worker.ts', { WORKER_HTTP_PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    const ready = await eventually(
      async () => {
        const res = await fetch(`${base}/ready`).catch(() => undefined);
        return res?.status === 200 ? ((await res.json()) as any) : undefined;
      },
      { what: `the worker to be ready (${worker.output().slice(-300)})`, timeoutMs: 60_000 },
    );
    expect(ready.dependencies).toMatchObject({ postgres: { status: 'up' }, temporal: { status: 'up' }, polling: { status: 'up' } });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/version`)).json()).toHaveProperty('version');

    const { id } = await submitWriting(platform);
    await eventually(async () => ((await platform.prisma.submission.findUnique({ where: { id } }))?.status === 'completed' ? true : undefined), {
      what: 'the worker process to grade the essay',
      timeoutMs: 30_000,
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/vstep_grading_duration_seconds_count\{skill="writing",provider="offline-baseline",source="ai"\} 1/);
    expect(metrics).toMatch(/vstep_provider_calls_total\{provider="offline-baseline",outcome="ok"\} 1/);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});

describe('the API process', () => {
  it('when it gets SIGTERM with an event stream open, then the stream ends and the process exits cleanly', async () => {
    const port = await freePort();
    const api = run('src/http/server.ts', { PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await eventually(async () => ((await fetch(`${base}/health`).catch(() => undefined))?.ok ? true : undefined), {
      what: `the API to listen (${api.output().slice(-300)})`,
      timeoutMs: 30_000,
    });
    const { id, student } = await submitWriting(platform, { body: { mode: 'human' } });
    const stream = await openStream(`${base}/submissions/${id}/events`, { authorization: student.headers.authorization! });
    await stream.waitFor(1);
    const started = Date.now();
    api.child.kill('SIGTERM');
    await stream.ended;
    expect(await api.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    const http = await (await fetch(`${platform.baseUrl}/metrics`)).text();
    expect(http).toMatch(/vstep_http_request_duration_seconds_count\{method="POST",route="\/submissions",status="202"\}/);
  });
});
