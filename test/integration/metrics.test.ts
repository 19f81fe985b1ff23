// Scrape-time metrics from the database: the numbers are right, and a database that stops
// answering cannot hang a scrape.
import { createServer, type Server as NetServer } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { createPrisma } from '../../src/lib/prisma.ts';
import { startTestPlatform, testLogger, type TestPlatform } from '../helpers/platform.ts';
import { submitWriting } from '../helpers/submissions.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

const gauge = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1]);

describe('database metrics', () => {
  it('when submissions are graded and waiting for review, then the scrape counts them by status and priority', async () => {
    const done = await submitWriting(platform);
    await platform.temporal.workflow.getHandle(done.workflowId).result();
    const waiting = await submitWriting(platform, { body: { mode: 'human' } });
    await expect.poll(async () => (await platform.prisma.submission.findUnique({ where: { id: waiting.id } }))?.status).toBe('review_pending');
    const text = await (await fetch(`${platform.baseUrl}/metrics`)).text();
    // Other test files share the database and run alongside, so exact totals move: each gauge must
    // count at least what this test made.
    expect(gauge(text, 'vstep_submissions{status="completed"}')).toBeGreaterThanOrEqual(1);
    expect(gauge(text, 'vstep_submissions{status="review_pending"}')).toBeGreaterThanOrEqual(1);
    expect(gauge(text, 'vstep_open_reviews{priority="low"}')).toBeGreaterThanOrEqual(1);
    expect(gauge(text, 'vstep_oldest_open_review_age_seconds{priority="low"}')).toBeGreaterThanOrEqual(0);
  });

  it('when the database accepts connections but never answers, then a scrape still answers promptly', async () => {
    const blackhole: NetServer = createServer(() => undefined);
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as { port: number }).port;
    const silent = createPrisma(`postgresql://u:p@127.0.0.1:${port}/db?connect_timeout=30`, 1);
    const app = createApp({ ...platform, prisma: silent, logger: testLogger });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('vstep_http_request_duration_seconds');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      server.close();
      blackhole.close();
      // Point the gauges back at the working database for anything after this test.
      createApp({ ...platform, logger: testLogger });
    }
  });
});
