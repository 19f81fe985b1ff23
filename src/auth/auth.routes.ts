import { Router, type RequestHandler } from 'express';
import type { Config } from '../config/env.ts';
import { validated } from '../http/middleware/validate.ts';
import { rateLimit, type RateLimiter } from '../http/middleware/rate-limit.ts';
import type { AccessTokens } from './access-tokens.ts';
import { authenticate, principalOf, requireRole } from './auth.middleware.ts';
import { createUserSchema, loginSchema, refreshSchema, registerSchema } from './auth.schemas.ts';
import type { AuthService } from './auth.service.ts';

const emailOf = (body: unknown) => {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.toLowerCase().slice(0, 254) : undefined;
};

export function authRoutes(config: Config, auth: AuthService, accessTokens: AccessTokens, limiter: RateLimiter): Router {
  const router = Router();
  const limits = config.rateLimits;
  const window = limits.windowSeconds;
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };

  router.post(
    '/auth/register',
    rateLimit(limiter, 'register', window, (req) => [{ scope: 'ip', id: req.ip, limit: limits.registerPerIp }]),
    validated({ body: registerSchema }, async ({ body }, _req, res) => {
      res.status(201).json(await auth.register(body));
    }),
  );

  router.post(
    '/auth/login',
    noStore,
    rateLimit(limiter, 'login', window, (req) => [
      { scope: 'ip', id: req.ip, limit: limits.loginPerIp },
      { scope: 'account', id: emailOf(req.body), limit: limits.loginPerAccount },
    ]),
    validated({ body: loginSchema }, async ({ body }, _req, res) => {
      res.json(await auth.login(body.email, body.password));
    }),
  );

  router.post(
    '/auth/refresh',
    noStore,
    rateLimit(limiter, 'refresh', window, (req) => [{ scope: 'ip', id: req.ip, limit: limits.refreshPerIp }]),
    validated({ body: refreshSchema }, async ({ body }, _req, res) => {
      res.json(await auth.refresh(body.refreshToken));
    }),
  );

  router.post(
    '/auth/logout',
    validated({ body: refreshSchema }, async ({ body }, _req, res) => {
      await auth.logout(body.refreshToken);
      res.status(204).end();
    }),
  );

  router.get('/me', authenticate(accessTokens), async (_req, res) => {
    res.json(await auth.me(principalOf(res.locals).id));
  });

  router.post(
    '/admin/users',
    authenticate(accessTokens),
    requireRole('admin'),
    validated({ body: createUserSchema }, async ({ body }, _req, res) => {
      res.status(201).json(await auth.createUser(body));
    }),
  );

  return router;
}
