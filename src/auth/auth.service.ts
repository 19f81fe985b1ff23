import type { PrismaClient } from '../lib/prisma.ts';
import { ConflictError, UnauthorizedError } from '../lib/http/errors.ts';
import type { AccessTokens } from './access-tokens.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Role } from '../domain/roles.ts';
import type { PublicUser, TokenPair } from './auth.schemas.ts';
import { burnVerification, hashPassword, verifyPassword } from './password.ts';
import type { RefreshTokens } from './refresh-tokens.ts';

export interface AuthServiceDeps {
  prisma: PrismaClient;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
}

/** A token pair with the account it was issued to (the browser session routes answer with both). */
export interface SignedIn {
  user: PublicUser;
  tokens: TokenPair;
}

export const presentUser = (u: PublicUser): PublicUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

const invalidCredentials = () => new UnauthorizedError('Email or password is incorrect.');

export function createAuthService({ prisma, accessTokens, refreshTokens }: AuthServiceDeps) {
  async function pair(user: { id: string; role: Role }, refreshToken: string): Promise<TokenPair> {
    return {
      accessToken: await accessTokens.sign(user),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: accessTokens.ttlSeconds,
    };
  }

  /** A new account; one an admin creates (any role) is in the audit trail. */
  async function createUser(input: { email: string; password: string; name: string; role: Role }, createdBy?: string) {
    const existing = await prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (existing) throw new ConflictError('An account with this email already exists.');
    const passwordHash = await hashPassword(input.password);
    const user = await prisma.$transaction(async (tx) => {
      const created = await tx.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash } });
      if (createdBy) await recordAudit(tx, { actorId: createdBy, action: 'user.created', subjectId: created.id, after: { role: created.role } });
      return created;
    });
    return presentUser(user);
  }

  async function signIn(email: string, password: string): Promise<SignedIn> {
    const user = await prisma.user.findUnique({ where: { email } });
    // Unknown email and wrong password cost the same and answer the same.
    const ok = user ? await verifyPassword(user.passwordHash, password) : await burnVerification(password);
    if (!user || !ok) throw invalidCredentials();
    return { user: presentUser(user), tokens: await pair(user, await refreshTokens.issue(user.id)) };
  }

  /** Spends `token` and issues the next pair of its family; a replayed token revokes the family. */
  async function rotate(token: string): Promise<SignedIn> {
    const outcome = await refreshTokens.rotate(token);
    if (!outcome.ok) {
      throw new UnauthorizedError(
        outcome.reason === 'reused'
          ? 'This refresh token was already used; every session it belongs to has been signed out.'
          : 'The refresh token is not valid.',
      );
    }
    return { user: presentUser(outcome.user), tokens: await pair(outcome.user, outcome.token) };
  }

  return {
    createUser,

    register: (input: { email: string; password: string; name: string }) => createUser({ ...input, role: 'student' }),

    signIn,
    rotate,
    login: async (email: string, password: string): Promise<TokenPair> => (await signIn(email, password)).tokens,
    refresh: async (token: string): Promise<TokenPair> => (await rotate(token)).tokens,

    logout: (token: string) => refreshTokens.revokeFamilyOf(token),

    async me(userId: string) {
      const user = await prisma.user.findUnique({ where: { id: userId } });
      if (!user) throw new UnauthorizedError('The account no longer exists.');
      return presentUser(user);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
