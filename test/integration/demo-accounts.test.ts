import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts, seedDemoAccounts } from '../../src/auth/demo-accounts.ts';
import { loadConfig } from '../../src/config/env.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { login } from '../helpers/users.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(() => platform?.stop());

describe('local demo accounts', () => {
  it('when seeded in local mode, then one account per role (and a second grader) logs in with DEMO_PASSWORD, and seeding again is harmless', async () => {
    const local = loadConfig({ APP_ENV: 'local', DEMO_PASSWORD: 'a-demo-passphrase' });
    await seedDemoAccounts(platform.prisma, local);
    await seedDemoAccounts(platform.prisma, local);
    for (const account of demoAccounts) {
      const res = await login(platform, account.email, 'a-demo-passphrase');
      expect(res.status).toBe(200);
      expect(await platform.prisma.user.count({ where: { email: account.email } })).toBe(1);
    }
    expect(demoAccounts.map((a) => a.role)).toEqual(['student', 'grader', 'grader', 'senior', 'admin']);
    expect(demoAccounts.map((a) => a.email)).toContain('grader2@example.com');
  });

  it.each(['staging', 'production', 'ci', 'test'])('when APP_ENV=%s, then seeding refuses', async (env) => {
    const config = loadConfig({
      APP_ENV: env,
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      TEMPORAL_ADDRESS: 't:7233',
      REDIS_URL: 'redis://r:6379',
      JWT_KEYS: '[]',
      JWT_SIGNING_KID: 'k',
    });
    await expect(seedDemoAccounts(platform.prisma, config)).rejects.toThrow(/local only/);
  });
});
