import type { RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../lib/http/errors.ts';
import type { AccessTokens, Principal } from './access-tokens.ts';
import type { Role } from '../domain/roles.ts';

declare module 'express-serve-static-core' {
  interface Locals {
    requestId: string;
    principal?: Principal;
  }
}

/** Requires `Authorization: Bearer <access token>`; puts the principal in res.locals. */
export function authenticate(accessTokens: AccessTokens): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) throw new UnauthorizedError();
    try {
      res.locals.principal = await accessTokens.verify(match[1]!);
    } catch {
      throw new UnauthorizedError('The access token is invalid or expired.');
    }
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

export function requireRole(...allowed: Role[]): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal;
    if (!principal) throw new UnauthorizedError();
    if (!allowed.includes(principal.role)) throw new ForbiddenError();
    next();
  };
}

/** The authenticated principal; only call after `authenticate`. */
export function principalOf(locals: { principal?: Principal }): Principal {
  if (!locals.principal) throw new UnauthorizedError();
  return locals.principal;
}
