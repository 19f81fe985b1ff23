// Short-lived access JWTs: issuer, audience, subject, role and kid, signed with EdDSA.
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { accessTokenAlgorithm, type TokenKeys } from './token-keys.ts';
import { roles, type Role } from '../domain/roles.ts';

export interface Principal {
  id: string;
  role: Role;
}

const claimsSchema = z.object({ sub: z.uuid(), role: z.enum(roles) });

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

export function createAccessTokens(config: Config, keys: TokenKeys) {
  const { issuer, audience, accessTtlSeconds } = config.auth;
  return {
    ttlSeconds: accessTtlSeconds,

    sign(principal: Principal): Promise<string> {
      return new SignJWT({ role: principal.role })
        .setProtectedHeader({ alg: accessTokenAlgorithm, kid: keys.signingKid, typ: 'JWT' })
        .setSubject(principal.id)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${accessTtlSeconds}s`)
        .setJti(randomUUID())
        .sign(keys.signingKey);
    },

    /** Any failure (signature, alg, kid, expiry, issuer, audience, claims) is an InvalidTokenError. */
    async verify(token: string): Promise<Principal> {
      try {
        const { payload } = await jwtVerify(token, keys.verificationKeys, {
          issuer,
          audience,
          algorithms: [accessTokenAlgorithm],
          typ: 'JWT',
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const claims = claimsSchema.parse(payload);
        return { id: claims.sub, role: claims.role };
      } catch (error) {
        throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
