// Cookie sessions for the browser console. The access token goes to the page (kept in memory);
// the refresh token only ever travels in the HttpOnly session cookie. Refresh and sign-out also
// need `X-Requested-With: vstep-console`: a custom header cannot be sent cross-site without a
// CORS preflight this API refuses, a second defence beside SameSite=Strict.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config/env.ts';
import { ForbiddenError, UnauthorizedError } from '../lib/http/errors.ts';
import type { RateLimiter } from '../lib/http/rate-limit.ts';
import { validated } from '../lib/http/validate.ts';
import { authLimits, noStore } from './auth.limits.ts';
import { loginSchema } from './auth.schemas.ts';
import type { AuthService, SignedIn } from './auth.service.ts';
import { consoleHeader, readSessionCookie, sessionCookie } from './session-cookie.ts';

const fromConsole: RequestHandler = (req, _res, next) => {
  if (req.get(consoleHeader.name) !== consoleHeader.value) {
    throw new ForbiddenError(`This endpoint requires the header ${consoleHeader.name}: ${consoleHeader.value} (a defence against cross-site requests).`);
  }
  next();
};

export function sessionRoutes(config: Config, auth: AuthService, limiter: RateLimiter): Router {
  const router = Router();
  const limits = authLimits(config, limiter);
  // Secure whenever the request came over TLS, and always outside local and test runs (which
  // serve plain http on loopback, where a Secure cookie might not be stored).
  const secure = (req: Request) => req.secure || (config.env !== 'local' && config.env !== 'test');
  // setHeader, not res.cookie: each answer carries exactly one Set-Cookie for the session.
  const setCookie = (req: Request, res: Response, token: string, maxAge: number) =>
    res.setHeader('Set-Cookie', sessionCookie(token, maxAge, secure(req)));
  const answer = (req: Request, res: Response, { user, tokens }: SignedIn) => {
    const { refreshToken, ...access } = tokens;
    setCookie(req, res, refreshToken, config.auth.refreshTtlSeconds);
    res.json({ ...access, user });
  };

  router.post(
    '/auth/session',
    noStore,
    limits.login,
    validated({ body: loginSchema }, async ({ body }, req, res) => {
      answer(req, res, await auth.signIn(body.email, body.password));
    }),
  );

  router.post('/auth/session/refresh', noStore, fromConsole, limits.refresh, async (req, res) => {
    const token = readSessionCookie(req.get('cookie'));
    // A refused token is dead: the browser drops its cookie. Any other failure (a database
    // outage) leaves the cookie alone, so the session survives it.
    const refused = (error: unknown): never => {
      if (error instanceof UnauthorizedError) setCookie(req, res, '', 0);
      throw error;
    };
    if (!token) return refused(new UnauthorizedError('There is no session: sign in again.'));
    answer(req, res, await auth.rotate(token).catch(refused));
  });

  router.delete('/auth/session', noStore, fromConsole, async (req, res) => {
    const token = readSessionCookie(req.get('cookie'));
    if (token) await auth.logout(token);
    setCookie(req, res, '', 0);
    res.status(204).end();
  });

  return router;
}
