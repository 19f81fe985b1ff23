// Cookie sessions for the browser console. The access token goes to the page (kept in memory);
// the refresh token only ever travels in the HttpOnly session cookie. Refresh and sign-out also
// need `X-Requested-With: vstep-console`: a custom header cannot be sent cross-site without a
// CORS preflight this API refuses, a second defence beside SameSite=Strict.
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config/env.ts';
import { ForbiddenError, UnauthorizedError } from '../lib/http/errors.ts';
import { operationOf, problems, type ParameterDoc, type ResponseSpec } from '../lib/http/operation.ts';
import { noStore, type AuthLimits } from './auth.limits.ts';
import { loginSchema, sessionSchema } from './auth.schemas.ts';
import type { AuthService, SignedIn } from './auth.service.ts';
import { consoleHeader, readSessionCookie, sessionCookie, sessionCookieName, sessionCookiePath, sessionTokenPattern } from './session-cookie.ts';

export interface SessionRouteDeps {
  config: Config;
  auth: AuthService;
  limits: AuthLimits;
}

const fromConsole: RequestHandler = (req, _res, next) => {
  if (req.get(consoleHeader.name) !== consoleHeader.value) {
    throw new ForbiddenError(`This endpoint requires the header ${consoleHeader.name}: ${consoleHeader.value} (a defence against cross-site requests).`);
  }
  next();
};

// Secure whenever the request came over TLS, and always outside local and test runs (which
// serve plain http on loopback, where a Secure cookie might not be stored).
const secure = (config: Config, req: Request) => req.secure || (config.env !== 'local' && config.env !== 'test');
// setHeader, not res.cookie: each answer carries exactly one Set-Cookie for the session.
const setCookie = (config: Config, req: Request, res: Response, token: string, maxAge: number) =>
  res.setHeader('Set-Cookie', sessionCookie(token, maxAge, secure(config, req)));

/** Sets the refresh token's cookie; the body keeps the access token and the account. */
function session(config: Config, req: Request, res: Response, { user, tokens }: SignedIn) {
  const { refreshToken, ...access } = tokens;
  setCookie(config, req, res, refreshToken, config.auth.refreshTtlSeconds);
  return { ...access, user };
}

const consoleHeaderParameter: ParameterDoc = {
  name: consoleHeader.name,
  required: true,
  description: `Must be \`${consoleHeader.value}\` (403 otherwise): a custom header forces a CORS preflight, so other sites cannot send it.`,
  schema: { type: 'string', enum: [consoleHeader.value] },
};
const cookieParameter = (schema: Record<string, unknown>): ParameterDoc => ({
  name: sessionCookieName,
  description: `The refresh token, set by POST /auth/session (HttpOnly, SameSite=Strict, Path=${sessionCookiePath}).`,
  schema,
});
const setsCookie = (what: string): ResponseSpec['headers'] => ({
  'Set-Cookie': {
    description: `${sessionCookieName}=…; ${what}; Path=${sessionCookiePath}; HttpOnly; SameSite=Strict (Secure outside local/test or over TLS)`,
    schema: { type: 'string' },
  },
});

const operation = operationOf<SessionRouteDeps>();
const tag = 'Accounts';

export const sessionRoutes = [
  operation({
    method: 'post',
    path: '/auth/session',
    summary: 'Sign in the web console: the access token in the body, the refresh token in an HttpOnly cookie',
    description: 'Same checks and rate limits as /auth/login.',
    tag,
    before: ({ limits }) => [noStore, limits.login],
    body: loginSchema,
    responses: { 200: { description: 'Signed in', schema: sessionSchema, headers: setsCookie('Max-Age=JWT_REFRESH_TTL_SECONDS') }, ...problems(400, 401, 413, 415, 422, 429) },
    handler: async ({ body }, { req, res, deps, reply }) => reply(200, session(deps.config, req, res, await deps.auth.signIn(body.email, body.password))),
  }),
  operation({
    method: 'post',
    path: '/auth/session/refresh',
    summary: "Trade the session cookie's refresh token for a new access token (the cookie rotates)",
    description: 'A missing, unknown, expired or spent token is a 401 and clears the cookie; a spent one also signs out its whole family.',
    tag,
    before: ({ limits }) => [noStore, fromConsole, limits.refresh],
    headers: [consoleHeaderParameter],
    cookies: [cookieParameter({ type: 'string', pattern: sessionTokenPattern.source })],
    responses: {
      200: { description: 'Refreshed', schema: sessionSchema, headers: setsCookie('Max-Age=JWT_REFRESH_TTL_SECONDS') },
      401: { ...problems(401)[401], description: 'No valid session (the cookie is cleared)', headers: setsCookie('Max-Age=0') },
      ...problems(400, 403, 413, 415, 429),
    },
    handler: async (_input, { req, res, deps, reply }) => {
      const token = readSessionCookie(req.get('cookie'));
      // A refused token is dead: the browser drops its cookie. Any other failure (a database
      // outage) leaves the cookie alone, so the session survives it.
      const refused = (error: unknown): never => {
        if (error instanceof UnauthorizedError) setCookie(deps.config, req, res, '', 0);
        throw error;
      };
      if (!token) return refused(new UnauthorizedError('There is no session: sign in again.'));
      return reply(200, session(deps.config, req, res, await deps.auth.rotate(token).catch(refused)));
    },
  }),
  operation({
    method: 'delete',
    path: '/auth/session',
    summary: 'Sign the web console out: revoke the refresh token family and clear the cookie',
    description: 'Without a session cookie there is nothing to revoke: still 204.',
    tag,
    before: () => [noStore, fromConsole],
    cookies: [cookieParameter({ type: 'string' })],
    headers: [consoleHeaderParameter],
    responses: { 204: { description: 'Signed out', headers: setsCookie('Max-Age=0') }, ...problems(400, 403, 413, 415) },
    handler: async (_input, { req, res, deps, reply }) => {
      const token = readSessionCookie(req.get('cookie'));
      if (token) await deps.auth.logout(token);
      setCookie(deps.config, req, res, '', 0);
      return reply(204);
    },
  }),
];
