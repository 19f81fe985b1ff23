import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { createPrisma } from '../../src/lib/prisma.ts';
import { startTestPlatform, testLogger, type TestPlatform } from '../helpers/platform.ts';
import { signedIn, testPassword } from '../helpers/users.ts';

const logLines: string[] = [];
let platform: TestPlatform;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  platform = await startTestPlatform({
    worker: false,
    logger: pino({ level: 'debug', redact: { paths: (await import('../../src/lib/logger.ts')).redactPaths, censor: '[redacted]' } }, sink),
    env: { CORS_ORIGINS: 'https://console.vstep.example' },
  });
});
afterAll(() => platform?.stop());

describe('hardening', () => {
  it('when any response is sent, then it carries secure headers and no framework banner', async () => {
    const res = await fetch(`${platform.baseUrl}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('when a listed origin asks, then CORS allows it; when another origin asks, then it gets no CORS headers', async () => {
    const allowed = await fetch(`${platform.baseUrl}/health`, { headers: { origin: 'https://console.vstep.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.vstep.example');
    const preflight = await fetch(`${platform.baseUrl}/submissions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.vstep.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const other = await fetch(`${platform.baseUrl}/health`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('when a user logs in and calls the API, then neither the password nor the tokens appear in the logs', async () => {
    const user = await signedIn(platform, 'student');
    await fetch(`${platform.baseUrl}/me`, { headers: user.headers });
    await fetch(`${platform.baseUrl}/auth/refresh`, { method: 'POST', headers: user.headers, body: JSON.stringify({ refreshToken: user.refreshToken }) });
    const logs = logLines.join('\n');
    expect(logs).toContain('/me'); // the requests were logged at all
    expect(logs).toContain('"authorization":"[redacted]"'); // with their headers, redacted
    expect(logs).not.toContain(testPassword);
    expect(logs).not.toContain(user.accessToken);
    expect(logs).not.toContain(user.refreshToken);
  });

  it('when the database fails under a request, then the answer is a 500 problem without internals', async () => {
    const user = await signedIn(platform, 'student');
    const brokenPrisma = createPrisma('postgresql://nobody:wrong@127.0.0.1:1/none', 1);
    const app = createApp({ ...platform, prisma: brokenPrisma, logger: testLogger });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/submissions/00000000-0000-4000-8000-000000000000`, { headers: user.headers });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ title: 'Internal Server Error', status: 500 });
      expect(text).not.toMatch(/prisma|ECONNREFUSED|127\.0\.0\.1:1|\.ts:\d+|at /i);
    } finally {
      server.close();
      await brokenPrisma.$disconnect();
    }
  });
});
