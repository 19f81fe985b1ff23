// Opaque refresh tokens in rotating families, stored only as SHA-256 hashes.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../lib/prisma.ts';
import type { Role } from '../domain/roles.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export type RotationOutcome =
  | { ok: true; user: { id: string; email: string; name: string; role: Role }; token: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

export function createRefreshTokens(prisma: PrismaClient, ttlSeconds: number) {
  async function issue(userId: string, familyId: string = randomUUID(), db: Pick<PrismaClient, 'refreshToken'> = prisma) {
    const token = randomBytes(32).toString('base64url');
    await db.refreshToken.create({
      data: { userId, familyId, tokenHash: hash(token), expiresAt: new Date(Date.now() + ttlSeconds * 1000) },
    });
    return token;
  }

  return {
    issue,

    /**
     * Spends `token` and issues the next one in its family. A token that was already spent
     * means two parties hold it: the whole family is revoked.
     */
    async rotate(token: string): Promise<RotationOutcome> {
      return prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ id: string; family_id: string; used_at: Date | null; revoked_at: Date | null; expires_at: Date }[]>`
          SELECT id, family_id, used_at, revoked_at, expires_at FROM refresh_tokens
           WHERE token_hash = ${hash(token)} FOR UPDATE`;
        const row = rows[0];
        if (!row) return { ok: false, reason: 'unknown' } as const;
        if (row.revoked_at) return { ok: false, reason: 'revoked' } as const;
        if (row.used_at) {
          await tx.refreshToken.updateMany({
            where: { familyId: row.family_id, revokedAt: null },
            data: { revokedAt: new Date() },
          });
          return { ok: false, reason: 'reused' } as const;
        }
        if (row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' } as const;
        const spent = await tx.refreshToken.update({
          where: { id: row.id },
          data: { usedAt: new Date() },
          include: { user: { select: { id: true, email: true, name: true, role: true } } },
        });
        const next = await issue(spent.userId, row.family_id, tx);
        return { ok: true, user: spent.user, token: next } as const;
      });
    },

    /** Revokes every live refresh token of the user (all their sessions); `db` may be a transaction. */
    async revokeAllOf(userId: string, db: Pick<PrismaClient, 'refreshToken'> = prisma): Promise<number> {
      const { count } = await db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
      return count;
    },

    /** Revokes the family `token` belongs to; unknown tokens are ignored. */
    async revokeFamilyOf(token: string): Promise<void> {
      const row = await prisma.refreshToken.findUnique({ where: { tokenHash: hash(token) }, select: { familyId: true } });
      if (!row) return;
      await prisma.refreshToken.updateMany({ where: { familyId: row.familyId, revokedAt: null }, data: { revokedAt: new Date() } });
    },
  };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
