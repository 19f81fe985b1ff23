// Accounts as admins manage them: the list by role, renaming and role changes (creating one is
// POST /admin/users, beside registration in src/auth/auth.routes.ts).
import { principalOf } from '../auth/auth.middleware.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import { accountPageSchema, accountSchema, updateUserSchema, userIdParams, userListQuery } from './user.schemas.ts';
import { presentAccount, type UserService } from './user.service.ts';

const operation = operationOf<{ service: UserService }>();
const tag = 'Accounts';

export const userRoutes = [
  operation({
    method: 'get',
    path: '/admin/users',
    summary: 'The accounts, newest first (optionally one role only)',
    tag,
    roles: ['admin'],
    query: userListQuery,
    responses: { 200: { description: 'A page', schema: accountPageSchema }, ...problems(400, 401, 403) },
    handler: async ({ query }, { deps, reply }) => {
      const page = await deps.service.list(query);
      return reply(200, { items: page.items.map(presentAccount), nextCursor: page.nextCursor });
    },
  }),
  operation({
    method: 'patch',
    path: '/admin/users/:id',
    summary: "Rename an account or change its role (a role change is audited and signs the account out)",
    description:
      "Changing a role revokes the account's refresh tokens: it signs in again to get tokens of the new role (an access token already issued keeps the old one until it expires). Your own role cannot be changed (409), so the platform always keeps an admin.",
    tag,
    roles: ['admin'],
    params: userIdParams,
    body: updateUserSchema,
    responses: { 200: { description: 'The account', schema: accountSchema }, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    handler: async ({ params, body }, { res, deps, reply }) => reply(200, presentAccount(await deps.service.update(principalOf(res.locals), params.id, body))),
  }),
];
