// The web console keeps its refresh token in an HttpOnly cookie scoped to /auth/session: page
// scripts (and so any injected script) never read it, and no other route is sent it. The
// Cookie header is parsed here rather than with a dependency: one name, one token format.
// The OpenAPI document reads the names and the format from here too.

export const sessionCookieName = 'vstep_refresh';
export const sessionCookiePath = '/auth/session';

// Refresh tokens are 32 random bytes in base64url (refresh-tokens.ts): anything else is no session.
export const sessionTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** Refresh and sign-out also need this header: cross-site pages cannot send it without a preflight. */
export const consoleHeader = { name: 'X-Requested-With', value: 'vstep-console' } as const;

/** The first well-formed session token in a Cookie header, if any. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== sessionCookieName) continue;
    const value = pair.slice(eq + 1).trim();
    if (sessionTokenPattern.test(value)) return value;
  }
  return undefined;
}

/**
 * The Set-Cookie value that stores `token` for `maxAgeSeconds`; an empty token with 0 clears it
 * (same name and Path, or the browser would keep the old one).
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${sessionCookieName}=${token}`,
    `Max-Age=${maxAgeSeconds}`,
    `Path=${sessionCookiePath}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
