// Accounts as admins manage them: the list, renaming, and role changes. A role change is audited
// in its own transaction and ends the account's sessions.
//
// Where the role lives: an access token carries it as a claim (src/auth/access-tokens.ts) and is
// verified without reading the database, so a token issued before the change keeps the old role
// until it expires (JWT_ACCESS_TTL_SECONDS, 15 minutes by default); nothing shortens that short
// of a database read per request. A refresh does read the role from the database (the rotation
// in src/auth/refresh-tokens.ts loads the user with the spent token), so a refreshed pair would
// carry the new role anyway. The refresh tokens are revoked all the same: every session opened
// under the old role ends, and the account's next token pair comes from a new sign-in.
import type { Principal } from '../auth/access-tokens.ts';
import type { RefreshTokens } from '../auth/refresh-tokens.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Role } from '../domain/roles.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/http/errors.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import { afterCursor, pageOf } from '../submissions/submission.schemas.ts';
import type { AccountView, UpdateUser, UserListQuery } from './user.schemas.ts';

export type UserRow = Prisma.UserGetPayload<object>;

export const presentAccount = (u: UserRow): AccountView => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() });

export interface UserServiceDeps {
  prisma: PrismaClient;
  refreshTokens: RefreshTokens;
}

export function createUserService({ prisma, refreshTokens }: UserServiceDeps) {
  /** The roles of `ids` as stored, their rows locked (in id order, so two edits never deadlock). */
  async function lockedRoles(tx: Prisma.TransactionClient, ids: string[]): Promise<Map<string, Role>> {
    const rows = await tx.$queryRaw<{ id: string; role: Role }[]>`
      SELECT id::text AS id, role::text AS role FROM users WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
    return new Map(rows.map((r) => [r.id, r.role]));
  }

  return {
    /** Newest first, optionally one role only. */
    async list({ limit, cursor, role }: UserListQuery) {
      const rows = await prisma.user.findMany({
        where: { AND: [{ role }, afterCursor(cursor)] },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      return pageOf(rows, limit);
    },

    /**
     * Renames an account and/or changes its role. An admin cannot change their own role, and the
     * acting admin's stored role is checked under the same locks: so the platform always keeps
     * one admin, even when two admins demote each other at once or an access token outlives its
     * role (see above).
     */
    async update(actor: Principal, id: string, changes: UpdateUser): Promise<UserRow> {
      return prisma.$transaction(async (tx) => {
        const stored = await lockedRoles(tx, [...new Set([actor.id, id])]);
        const before = stored.get(id);
        if (before === undefined) throw new NotFoundError('No user with this id.');
        if (stored.get(actor.id) !== 'admin') throw new ForbiddenError('Your account is no longer an admin; sign in again.');
        const roleChanges = changes.role !== undefined && changes.role !== before;
        if (roleChanges && id === actor.id) {
          throw new ConflictError('You cannot change your own role: another admin must do it, so that the platform is never left without an admin.');
        }
        const user = await tx.user.update({ where: { id }, data: changes });
        if (roleChanges) {
          await recordAudit(tx, { actorId: actor.id, action: 'user.role_changed', subjectId: id, before: { role: before }, after: { role: user.role } });
          await refreshTokens.revokeAllOf(id, tx);
        }
        return user;
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
