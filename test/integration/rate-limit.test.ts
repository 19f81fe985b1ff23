// Rate limits against a Redis of this file's own, so limits and outages do not touch other tests.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RunningRedis } from '../../src/embedded/redis.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { freePort } from '../../src/embedded/ports.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createUser, login, signedIn } from '../helpers/users.ts';

let redisPort: number;
let redis: RunningRedis;
let platform: TestPlatform;
const warnings: string[] = [];

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedisServer(redisPort);
  // Capture the app's log lines to see how often the outage is reported.
  const sink = new Writable({
    write(chunk, _enc, done) {
      const line = JSON.parse(chunk.toString()) as { level: number; msg: string };
      if (line.level === 40) warnings.push(line.msg);
      done();
    },
  });
  platform = await startTestPlatform({
    worker: false,
    logger: pino({ level: 'warn' }, sink),
    env: {
      REDIS_URL: redis.url,
      RATE_LIMIT_WINDOW_SECONDS: '2',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '3',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      RATE_LIMIT_SUBMISSIONS_PER_ACCOUNT: '2',
    },
  });
});
afterAll(async () => {
  await platform?.stop();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limits', () => {
  it('when an account exceeds its login limit, then it gets 429 with Retry-After, and is served again after the window', async () => {
    const { email } = await createUser(platform, 'student');
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await login(platform, email, 'wrong password here');
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('ratelimit-limit')).toBe('3');
        expect(last.headers.get('ratelimit-remaining')).toBe('2');
        expect(Number(last.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(last!.headers.get('content-type')).toMatch(/problem\+json/);

    // Another account from the same IP is not affected.
    const other = await createUser(platform, 'student');
    expect((await login(platform, other.email)).status).toBe(200);

    await sleep(retryAfter * 1000 + 100);
    expect((await login(platform, email)).status).toBe(200);
  });

  it('when a student exceeds the submission limit, then the extra submission is refused and not stored', async () => {
    const student = await signedIn(platform, 'student');
    const post = () =>
      fetch(`${platform.baseUrl}/submissions`, {
        method: 'POST',
        headers: student.headers,
        body: JSON.stringify({ skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter }),
      });
    const statuses = [(await post()).status, (await post()).status, (await post()).status];
    expect(statuses).toEqual([202, 202, 429]);
    expect(await platform.prisma.submission.count({ where: { studentId: student.id } })).toBe(2);
  });

  it('when Redis stops, then requests are still served without limits, one warning is logged, and /ready says degraded', async () => {
    const { email } = await createUser(platform, 'student');
    await redis.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await login(platform, email);
      statuses.push(res.status);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(warnings.filter((w) => w.includes('rate limiting is off'))).toHaveLength(1);

    const ready = await fetch(`${platform.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; dependencies: Record<string, { status: string }> };
    expect(body.status).toBe('degraded');
    expect(body.dependencies.redis!.status).toBe('degraded');

    // Redis comes back on the same port: limits apply again.
    redis = await startRedisServer(redisPort);
    const restored = await (async () => {
      for (let i = 0; i < 50; i++) {
        const res = await login(platform, email);
        if (res.headers.get('ratelimit-limit')) return res;
        await sleep(100);
      }
      return undefined;
    })();
    expect(restored?.headers.get('ratelimit-limit')).toBe('3');
  });
});
