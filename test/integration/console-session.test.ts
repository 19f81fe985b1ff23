// Cookie sessions for the web console: the refresh token only ever in an HttpOnly cookie, the
// refresh and sign-out calls guarded by X-Requested-With, rotation and reuse detection as for
// /auth/refresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { serveApp } from '../helpers/serve-app.ts';
import { createPrisma } from '../../src/lib/prisma.ts';
import { createUser, testPassword } from '../helpers/users.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(() => platform?.stop());

const consoleHeader = { 'x-requested-with': 'vstep-console' };

/** The one Set-Cookie of a response, split into its value and its attributes. */
function setCookie(res: Response) {
  const all = res.headers.getSetCookie();
  expect(all).toHaveLength(1);
  const [pair, ...attributes] = all[0]!.split('; ');
  const [name, value] = pair!.split('=') as [string, string];
  return { name, value, attributes };
}

async function signIn(email: string, password = testPassword, baseUrl = platform.baseUrl) {
  return fetch(`${baseUrl}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
}

const refresh = (cookie: string | undefined, headers: Record<string, string> = consoleHeader) =>
  fetch(`${platform.baseUrl}/auth/session/refresh`, { method: 'POST', headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) } });

const signOut = (cookie: string | undefined, headers: Record<string, string> = consoleHeader) =>
  fetch(`${platform.baseUrl}/auth/session`, { method: 'DELETE', headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) } });

async function session() {
  const user = await createUser(platform, 'grader');
  const res = await signIn(user.email);
  expect(res.status).toBe(200);
  return { user, cookie: `vstep_refresh=${setCookie(res).value}`, body: (await res.json()) as Record<string, any> };
}

const familyOf = (userId: string) => platform.prisma.refreshToken.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });

describe('signing in the console', () => {
  it('when a user signs in, then the refresh token is only in an HttpOnly SameSite=Strict cookie for /auth/session', async () => {
    const user = await createUser(platform, 'student');
    const res = await signIn(user.email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = setCookie(res);
    expect(cookie.name).toBe('vstep_refresh');
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes.sort()).toEqual(['HttpOnly', `Max-Age=${platform.config.auth.refreshTtlSeconds}`, 'Path=/auth/session', 'SameSite=Strict'].sort());

    const text = await res.text();
    expect(text).not.toContain(cookie.value);
    const body = JSON.parse(text) as Record<string, any>;
    expect(body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: platform.config.auth.accessTtlSeconds,
      user: { id: user.id, email: user.email, name: 'Test student', role: 'student' },
    });
    const me = await fetch(`${platform.baseUrl}/me`, { headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.status).toBe(200);
    expect(await familyOf(user.id)).toHaveLength(1);
  });

  it('when the password is wrong, then it is a 401 with no cookie', async () => {
    const user = await createUser(platform, 'student');
    const res = await signIn(user.email, 'not the password at all');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await familyOf(user.id)).toHaveLength(0);
  });

  it('when the app runs outside local/test or behind TLS, then the cookie is Secure', async () => {
    const user = await createUser(platform, 'admin');
    const staging = await serveApp(platform, { config: { env: 'staging' } });
    const proxied = await serveApp(platform, { config: { trustProxy: true } });
    try {
      expect(setCookie(await signIn(user.email, testPassword, staging.baseUrl)).attributes).toContain('Secure');
      const overTls = await fetch(`${proxied.baseUrl}/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ email: user.email, password: testPassword }),
      });
      expect(setCookie(overTls).attributes).toContain('Secure');
      expect(setCookie(await signIn(user.email)).attributes).not.toContain('Secure');
    } finally {
      await Promise.all([staging.close(), proxied.close()]);
    }
  });

  it('when sign-ins go to /auth/login and /auth/session for one account, then they share its login limit', async () => {
    const user = await createUser(platform, 'student');
    const limited = await serveApp(platform, { config: { rateLimits: { ...platform.config.rateLimits, loginPerAccount: 3 } } });
    try {
      const login = (path: string) =>
        fetch(`${limited.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: 'a wrong password' }) });
      expect((await login('/auth/login')).status).toBe(401);
      expect((await login('/auth/session')).status).toBe(401);
      expect((await login('/auth/login')).status).toBe(401);
      const fourth = await login('/auth/session');
      expect(fourth.status).toBe(429);
      expect(fourth.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });

  it('when a browser from an allowed origin preflights a refresh, then X-Requested-With is allowed', async () => {
    const origin = 'https://console.vstep.example';
    const cors = await serveApp(platform, { config: { cors: { origins: [origin] } } });
    try {
      const preflight = await fetch(`${cors.baseUrl}/auth/session/refresh`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-requested-with' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Requested-With');
    } finally {
      await cors.close();
    }
  });
});

describe('refreshing the console session', () => {
  it('when the cookie and the header are sent, then a new access token comes back and the cookie rotates', async () => {
    const { user, cookie } = await session();
    const res = await refresh(cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const next = setCookie(res);
    expect(`vstep_refresh=${next.value}`).not.toBe(cookie);
    expect(next.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/auth/session', `Max-Age=${platform.config.auth.refreshTtlSeconds}`]));
    const body = (await res.json()) as Record<string, any>;
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType', 'user']);
    expect(body.user).toEqual({ id: user.id, email: user.email, name: 'Test grader', role: 'grader' });
    expect((await fetch(`${platform.baseUrl}/me`, { headers: { authorization: `Bearer ${body.accessToken}` } })).status).toBe(200);
    // The new cookie works in turn.
    expect((await refresh(`vstep_refresh=${next.value}`)).status).toBe(200);
  });

  it('when a spent cookie is replayed, then it is a 401 that clears the cookie and revokes the whole family', async () => {
    const { user, cookie } = await session();
    const rotated = `vstep_refresh=${setCookie(await refresh(cookie)).value}`;
    const replay = await refresh(cookie);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { detail: string }).detail).toMatch(/already used/);
    expect(setCookie(replay)).toMatchObject({ value: '', attributes: expect.arrayContaining(['Max-Age=0', 'Path=/auth/session']) });
    // The holder of the newer cookie is signed out too.
    expect((await refresh(rotated)).status).toBe(401);
    const family = await familyOf(user.id);
    expect(family).toHaveLength(2);
    expect(family.every((t) => t.revokedAt !== null)).toBe(true);
  });

  it('when the X-Requested-With header is missing or wrong, then it is a 403 and the token is not spent', async () => {
    const { user, cookie } = await session();
    for (const headers of [{}, { 'x-requested-with': 'XMLHttpRequest' }] as Array<Record<string, string>>) {
      const res = await refresh(cookie, headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toContain('X-Requested-With: vstep-console');
    }
    const [token] = await familyOf(user.id);
    expect(token).toMatchObject({ usedAt: null, revokedAt: null });
    expect((await refresh(cookie)).status).toBe(200);
  });

  it.each([
    ['no cookie', undefined],
    ['other cookies only', 'theme=dark; lang=vi'],
    ['a malformed value', 'vstep_refresh=../../etc/passwd; theme=dark'],
    ['an empty value', 'vstep_refresh='],
    ['a token never issued', `vstep_refresh=${'A'.repeat(43)}`],
  ])('when there is %s, then it is a 401 that clears the cookie', async (_case, cookie) => {
    const res = await refresh(cookie);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(setCookie(res)).toMatchObject({ name: 'vstep_refresh', value: '', attributes: expect.arrayContaining(['Max-Age=0', 'Path=/auth/session', 'HttpOnly']) });
  });

  it('when the session cookie comes among others, then it is found', async () => {
    const { cookie } = await session();
    expect((await refresh(`theme=dark;${cookie} ; lang=vi`)).status).toBe(200);
  });
});

describe('signing the console out', () => {
  it('when the database fails during a refresh, then the answer is an error and the cookie is kept for a retry', async () => {
    const { cookie } = await session();
    // An app whose database cannot be reached: the rotation fails for reasons unrelated to the token.
    const unreachable = createPrisma('postgresql://vstep@127.0.0.1:1/vstep', 1);
    const broken = await serveApp(platform, { prisma: unreachable });
    try {
      const res = await fetch(`${broken.baseUrl}/auth/session/refresh`, { method: 'POST', headers: { ...consoleHeader, cookie } });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.headers.getSetCookie()).toEqual([]);
    } finally {
      await broken.close();
      await unreachable.$disconnect();
    }
    // The same cookie still works against the healthy app.
    expect((await refresh(cookie)).status).toBe(200);
  });

  it('when the console signs out, then the family is revoked and the cookie cleared', async () => {
    const { user, cookie } = await session();
    const res = await signOut(cookie);
    expect(res.status).toBe(204);
    expect(setCookie(res)).toMatchObject({ value: '', attributes: expect.arrayContaining(['Max-Age=0', 'Path=/auth/session', 'HttpOnly', 'SameSite=Strict']) });
    expect((await familyOf(user.id)).every((t) => t.revokedAt !== null)).toBe(true);
    expect((await refresh(cookie)).status).toBe(401);
  });

  it('when there is no session cookie, then signing out is still a 204 that clears it', async () => {
    const res = await signOut(undefined);
    expect(res.status).toBe(204);
    expect(setCookie(res).attributes).toContain('Max-Age=0');
  });

  it('when the header is missing, then signing out is a 403 and the session lives on', async () => {
    const { user, cookie } = await session();
    expect((await signOut(cookie, {})).status).toBe(403);
    expect((await familyOf(user.id)).every((t) => t.revokedAt === null)).toBe(true);
    expect((await refresh(cookie)).status).toBe(200);
  });
});
