// Access-token keys. JWT_KEYS holds a JSON array of Ed25519 JWKs, each with a `kid`; the one
// named by JWT_SIGNING_KID (which must include its private part) signs, and every key listed
// verifies, so keys rotate by adding the new key, switching the signing kid, and removing the
// old key once its tokens have expired. Local and test runs without keys get an ephemeral one.
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../config/env.ts';

export const accessTokenAlgorithm = 'EdDSA';

const jwkSchema = z
  .object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1), d: z.string().optional(), kid: z.string().min(1) })
  .loose();

export interface TokenKeys {
  signingKid: string;
  signingKey: CryptoKey;
  verificationKeys: JWTVerifyGetKey;
  /** True when the keys were generated for this process (local/test only). */
  ephemeral: boolean;
}

export class KeyConfigError extends Error {
  override name = 'KeyConfigError';
}

/** A fresh Ed25519 key as a private JWK, for `npm run keys:generate` and ephemeral local keys. */
export async function generateSigningJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(accessTokenAlgorithm, { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: accessTokenAlgorithm, use: 'sig' };
}

function publicPart({ d: _d, ...rest }: JWK): JWK {
  return rest;
}

export async function loadTokenKeys(config: Config): Promise<TokenKeys> {
  let jwks: JWK[];
  let signingKid = config.auth.signingKid;
  let ephemeral = false;
  if (config.auth.keys) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(config.auth.keys);
    } catch {
      throw new KeyConfigError('JWT_KEYS is not valid JSON (expected an array of Ed25519 JWKs).');
    }
    const result = z.array(jwkSchema).min(1).safeParse(parsed);
    if (!result.success) throw new KeyConfigError('JWT_KEYS must be a non-empty array of Ed25519 JWKs, each with a kid.');
    jwks = result.data as JWK[];
  } else {
    if (config.env !== 'local' && config.env !== 'test') throw new KeyConfigError('JWT_KEYS is required outside local/test.');
    signingKid = 'ephemeral';
    jwks = [await generateSigningJwk(signingKid)];
    ephemeral = true;
  }
  const signing = jwks.find((k) => k.kid === signingKid);
  if (!signing?.d) throw new KeyConfigError(`JWT_SIGNING_KID (${signingKid ?? 'unset'}) must name a key in JWT_KEYS that includes its private part.`);
  const kids = new Set(jwks.map((k) => k.kid));
  if (kids.size !== jwks.length) throw new KeyConfigError('JWT_KEYS contains the same kid twice.');
  return {
    signingKid: signingKid!,
    signingKey: (await importJWK({ ...signing, alg: accessTokenAlgorithm }, accessTokenAlgorithm)) as CryptoKey,
    verificationKeys: createLocalJWKSet({ keys: jwks.map((k) => ({ ...publicPart(k), alg: accessTokenAlgorithm })) }),
    ephemeral,
  };
}
