// Accounts and tokens for tests: each call makes a fresh user with a unique email.
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/domain/roles.ts';
import { hashPassword } from '../../src/auth/password.ts';
import type { TestPlatform } from './platform.ts';

export const testPassword = 'correct horse battery staple';
let hashed: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
  /** Headers for an authenticated JSON request. */
  headers: Record<string, string>;
}

export async function createUser(platform: TestPlatform, role: Role): Promise<Omit<TestUser, 'accessToken' | 'refreshToken' | 'headers'>> {
  hashed ??= hashPassword(testPassword);
  const email = `${role}-${randomUUID()}@example.com`;
  const user = await platform.prisma.user.create({ data: { email, name: `Test ${role}`, role, passwordHash: await hashed } });
  return { id: user.id, email, role };
}

export async function login(platform: TestPlatform, email: string, password = testPassword) {
  return fetch(`${platform.baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

/** A fresh user of `role`, logged in through the API. */
export async function signedIn(platform: TestPlatform, role: Role): Promise<TestUser> {
  const user = await createUser(platform, role);
  const res = await login(platform, user.email);
  if (res.status !== 200) throw new Error(`login failed with ${res.status}`);
  const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
  return {
    ...user,
    ...tokens,
    headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
  };
}

/** A JSON call as `user` against `baseUrl`: the status and the parsed body (null when none). */
export async function callApi(baseUrl: string, user: TestUser, method: string, route: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${route}`, { method, headers: user.headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}
