import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '../../src/auth/token-keys.ts';
import { importJWK, type CryptoKey } from 'jose';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createUser, login, signedIn, testPassword } from '../helpers/users.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(() => platform?.stop());

const call = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
  fetch(`${platform.baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

describe('registration and login', () => {
  it('when a student registers and logs in, then /me shows the account and tokens have the documented shape', async () => {
    const email = `Reg-${Date.now()}@Example.com`;
    const reg = await call('/auth/register', { body: { email, password: testPassword, name: 'Lan Nguyen' } });
    expect(reg.status).toBe(201);
    const user = (await reg.json()) as Record<string, string>;
    expect(user).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: 'Lan Nguyen', role: 'student' });

    const res = await login(platform, email);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });

    const me = await call('/me', { token: tokens.accessToken as string });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(user);
  });

  it('when an email is registered twice, then the second is a 409 and no account is added', async () => {
    const { email } = await createUser(platform, 'student');
    const res = await call('/auth/register', { body: { email, password: testPassword, name: 'Again' } });
    expect(res.status).toBe(409);
    expect(await platform.prisma.user.count({ where: { email } })).toBe(1);
  });

  it.each([
    ['a short password', { email: 'a@example.com', password: 'short', name: 'A' }, 'password'],
    ['a bad email', { email: 'not-an-email', password: testPassword, name: 'A' }, 'email'],
    ['a self-chosen role', { email: 'b@example.com', password: testPassword, name: 'B', role: 'admin' }, ''],
  ])('when registering with %s, then it is a 422 naming the field', async (_case, body, field) => {
    const res = await call('/auth/register', { body });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toContain(field);
  });

  it('when a password is stored, then it is an Argon2id hash with the documented parameters', async () => {
    const email = `argon-${Date.now()}@example.com`;
    await call('/auth/register', { body: { email, password: testPassword, name: 'A' } });
    const user = await platform.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.passwordHash).not.toContain(testPassword);
  });

  it('when the email is unknown or the password wrong, then the answers are identical and take similar time', async () => {
    const { email } = await createUser(platform, 'student');
    const timed = async (e: string, p: string) => {
      const started = performance.now();
      const res = await login(platform, e, p);
      const body = (await res.json()) as Record<string, unknown>;
      return { ms: performance.now() - started, status: res.status, title: body.title, detail: body.detail };
    };
    const wrong: Awaited<ReturnType<typeof timed>>[] = [];
    const unknown: Awaited<ReturnType<typeof timed>>[] = [];
    for (let i = 0; i < 7; i++) {
      wrong.push(await timed(email, 'wrong password here'));
      unknown.push(await timed(`nobody-${i}@example.com`, 'wrong password here'));
    }
    const strip = ({ ms: _ms, ...rest }: { ms: number }) => rest;
    expect(new Set([...wrong, ...unknown].map((r) => JSON.stringify(strip(r)))).size).toBe(1);
    expect(wrong[0]!.status).toBe(401);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown.map((r) => r.ms)) / median(wrong.map((r) => r.ms));
    // Without the dummy verification the unknown-email path is >10x faster.
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });
});

describe('refresh tokens', () => {
  it('when a refresh token is used, then a new pair is issued and the old token is spent', async () => {
    const user = await signedIn(platform, 'student');
    const res = await call('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(res.status).toBe(200);
    const next = (await res.json()) as { accessToken: string; refreshToken: string };
    expect(next.refreshToken).not.toBe(user.refreshToken);
    expect((await call('/me', { token: next.accessToken })).status).toBe(200);
  });

  it('when a spent refresh token is presented again, then it is refused and the whole family is revoked', async () => {
    const user = await signedIn(platform, 'student');
    const rotated = (await (await call('/auth/refresh', { body: { refreshToken: user.refreshToken } })).json()) as {
      refreshToken: string;
    };
    const replay = await call('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { detail: string }).detail).toMatch(/already used/);
    // The legitimate holder's newer token died with the family.
    expect((await call('/auth/refresh', { body: { refreshToken: rotated.refreshToken } })).status).toBe(401);
    const family = await platform.prisma.refreshToken.findMany({ where: { user: { email: user.email } } });
    expect(family.length).toBe(2);
    expect(family.every((t) => t.revokedAt !== null)).toBe(true);
  });

  it('when a user logs out, then the refresh family is revoked; logging out an unknown token is still 204', async () => {
    const user = await signedIn(platform, 'student');
    expect((await call('/auth/logout', { body: { refreshToken: user.refreshToken } })).status).toBe(204);
    expect((await call('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status).toBe(401);
    expect((await call('/auth/logout', { body: { refreshToken: 'never-issued' } })).status).toBe(204);
  });

  it('when a refresh token has expired, then it is refused', async () => {
    const user = await signedIn(platform, 'student');
    await platform.prisma.refreshToken.updateMany({ where: { user: { email: user.email } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await call('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status).toBe(401);
  });

  it('when the same refresh token is raced twice, then at most one succeeds', async () => {
    const user = await signedIn(platform, 'student');
    const results = await Promise.all([1, 2].map(() => call('/auth/refresh', { body: { refreshToken: user.refreshToken } })));
    expect(results.map((r) => r.status).filter((s) => s === 200).length).toBeLessThanOrEqual(1);
  });
});

describe('access token tampering', () => {
  const encode = (value: object) => base64url.encode(JSON.stringify(value));

  async function craft(overrides: { header?: object; claims?: object; key?: CryptoKey | Awaited<ReturnType<typeof importJWK>> } = {}) {
    const user = await createUser(platform, 'student');
    const { config } = platform;
    const now = Math.floor(Date.now() / 1000);
    // Claims are written in full so each override replaces exactly one of them.
    const claims = {
      role: 'student',
      sub: user.id,
      iss: config.auth.issuer,
      aud: config.auth.audience,
      iat: now,
      exp: now + 300,
      ...overrides.claims,
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: platform.tokenKeys.signingKid, typ: 'JWT', ...overrides.header })
      .sign((overrides.key ?? platform.tokenKeys.signingKey) as CryptoKey);
  }

  it('when an untampered token is crafted with the real key, then it is accepted (the cases below differ only in one way)', async () => {
    expect((await call('/me', { token: await craft() })).status).toBe(200);
  });

  it.each([
    ['expired', async () => craft({ claims: { exp: Math.floor(Date.now() / 1000) - 10, iat: Math.floor(Date.now() / 1000) - 400 } })],
    ['for another audience', async () => craft({ claims: { aud: 'someone-else' } })],
    ['from another issuer', async () => craft({ claims: { iss: 'https://evil.example' } })],
    ['with an unknown kid', async () => craft({ header: { kid: 'no-such-key' } })],
    [
      'signed by a stranger key under our kid',
      async () => craft({ key: await importJWK(await generateSigningJwk(platform.tokenKeys.signingKid), 'EdDSA') }),
    ],
    [
      'with a tampered signature',
      async () => {
        const token = await craft();
        const last = token.at(-2) === 'A' ? 'B' : 'A';
        return `${token.slice(0, -2)}${last}${token.at(-1)}`;
      },
    ],
    [
      'with an edited payload (role raised to admin)',
      async () => {
        const [h, p, s] = (await craft()).split('.');
        const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
        return `${h}.${encode({ ...claims, role: 'admin' })}.${s}`;
      },
    ],
    [
      'with alg none',
      async () => {
        const [, p] = (await craft()).split('.');
        return `${encode({ alg: 'none', typ: 'JWT' })}.${p}.`;
      },
    ],
    ['that is not a JWT', async () => 'garbage.token.value'],
  ])('when a token is %s, then it gets 401', async (_case, make) => {
    const res = await call('/me', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('when no Authorization header or a non-Bearer scheme is sent, then it gets 401', async () => {
    expect((await call('/me')).status).toBe(401);
    const basic = await fetch(`${platform.baseUrl}/me`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
  });
});
