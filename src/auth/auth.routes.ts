// Accounts and tokens: registration, login, token refresh and logout for API clients, who am I,
// and accounts of any role created by an admin.
import type { RequestHandler } from 'express';
import { operationOf, problems } from '../lib/http/operation.ts';
import { roles } from '../domain/roles.ts';
import type { AuthLimits } from './auth.limits.ts';
import { noStore } from './auth.limits.ts';
import { principalOf } from './auth.middleware.ts';
import { createUserSchema, loginSchema, refreshSchema, registerSchema, tokensSchema, userSchema } from './auth.schemas.ts';
import type { AuthService } from './auth.service.ts';

export interface AuthRouteDeps {
  auth: AuthService;
  limits: AuthLimits;
}

const operation = operationOf<AuthRouteDeps>();
const tag = 'Accounts';
const limit = (pick: (limits: AuthLimits) => RequestHandler, ...first: RequestHandler[]) => (deps: AuthRouteDeps) => [...first, pick(deps.limits)];

export const authRoutes = [
  operation({
    method: 'post',
    path: '/auth/register',
    summary: 'Create a student account',
    tag,
    before: limit((l) => l.register),
    body: registerSchema,
    responses: { 201: { description: 'Created', schema: userSchema }, ...problems(400, 409, 413, 415, 422, 429) },
    handler: async ({ body }, { deps, reply }) => reply(201, await deps.auth.register(body)),
  }),
  operation({
    method: 'post',
    path: '/auth/login',
    summary: 'Log in',
    tag,
    before: limit((l) => l.login, noStore),
    body: loginSchema,
    responses: { 200: { description: 'Tokens', schema: tokensSchema }, ...problems(400, 401, 413, 415, 422, 429) },
    handler: async ({ body }, { deps, reply }) => reply(200, await deps.auth.login(body.email, body.password)),
  }),
  operation({
    method: 'post',
    path: '/auth/refresh',
    summary: 'Trade a refresh token for a new pair (the old one is spent)',
    tag,
    before: limit((l) => l.refresh, noStore),
    body: refreshSchema,
    responses: { 200: { description: 'Tokens', schema: tokensSchema }, ...problems(400, 401, 413, 415, 422, 429) },
    handler: async ({ body }, { deps, reply }) => reply(200, await deps.auth.refresh(body.refreshToken)),
  }),
  operation({
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke the refresh token family',
    tag,
    body: refreshSchema,
    responses: { 204: { description: 'Logged out' }, ...problems(400, 413, 415, 422) },
    handler: async ({ body }, { deps, reply }) => {
      await deps.auth.logout(body.refreshToken);
      return reply(204);
    },
  }),
  operation({
    method: 'get',
    path: '/me',
    summary: 'Who am I',
    tag,
    roles,
    responses: { 200: { description: 'The account', schema: userSchema }, ...problems(401) },
    handler: async (_input, { res, deps, reply }) => reply(200, await deps.auth.me(principalOf(res.locals).id)),
  }),
  operation({
    method: 'post',
    path: '/admin/users',
    summary: 'Create an account with any role',
    tag,
    roles: ['admin'],
    body: createUserSchema,
    responses: { 201: { description: 'Created', schema: userSchema }, ...problems(400, 401, 403, 409, 413, 415, 422) },
    handler: async ({ body }, { res, deps, reply }) => reply(201, await deps.auth.createUser(body, principalOf(res.locals).id)),
  }),
];
