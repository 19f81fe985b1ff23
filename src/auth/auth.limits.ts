// The login and refresh limits, shared by the token routes (/auth/login, /auth/refresh) and the
// browser session routes (/auth/session...): the same counters, so switching between the two
// families of routes buys no extra guesses.
import type { RequestHandler } from 'express';
import type { Config } from '../config/env.ts';
import { rateLimit, type RateLimiter } from '../lib/http/rate-limit.ts';

const emailOf = (body: unknown) => {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.toLowerCase().slice(0, 254) : undefined;
};

/** Token-bearing answers must never be stored by a browser or proxy cache. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function authLimits(config: Config, limiter: RateLimiter) {
  const limits = config.rateLimits;
  const window = limits.windowSeconds;
  return {
    login: rateLimit(limiter, 'login', window, (req) => [
      { scope: 'ip', id: req.ip, limit: limits.loginPerIp },
      { scope: 'account', id: emailOf(req.body), limit: limits.loginPerAccount },
    ]),
    refresh: rateLimit(limiter, 'refresh', window, (req) => [{ scope: 'ip', id: req.ip, limit: limits.refreshPerIp }]),
    register: rateLimit(limiter, 'register', window, (req) => [{ scope: 'ip', id: req.ip, limit: limits.registerPerIp }]),
  };
}

export type AuthLimits = ReturnType<typeof authLimits>;
