import { Router } from 'express';
import type { Config } from '../config/env.ts';
import { validated } from '../lib/http/validate.ts';
import type { RateLimiter } from '../lib/http/rate-limit.ts';
import { authLimits, noStore } from './auth.limits.ts';
import type { AccessTokens } from './access-tokens.ts';
import { authenticate, principalOf, requireRole } from './auth.middleware.ts';
import { createUserSchema, loginSchema, refreshSchema, registerSchema } from './auth.schemas.ts';
import type { AuthService } from './auth.service.ts';

export function authRoutes(config: Config, auth: AuthService, accessTokens: AccessTokens, limiter: RateLimiter): Router {
  const router = Router();
  const limits = authLimits(config, limiter);

  router.post(
    '/auth/register',
    limits.register,
    validated({ body: registerSchema }, async ({ body }, _req, res) => {
      res.status(201).json(await auth.register(body));
    }),
  );

  router.post(
    '/auth/login',
    noStore,
    limits.login,
    validated({ body: loginSchema }, async ({ body }, _req, res) => {
      res.json(await auth.login(body.email, body.password));
    }),
  );

  router.post(
    '/auth/refresh',
    noStore,
    limits.refresh,
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
