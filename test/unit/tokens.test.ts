import { SignJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokens, InvalidTokenError } from '../../src/auth/access-tokens.ts';
import { generateSigningJwk, KeyConfigError, loadTokenKeys } from '../../src/auth/token-keys.ts';
import { loadConfig } from '../../src/config/env.ts';

const userId = '6f1c3b1e-9a52-4a55-8a2c-3f1d2c4b5a69';

async function tokensWith(keys: object[], signingKid: string, extra: Record<string, string> = {}) {
  const config = loadConfig({ APP_ENV: 'test', JWT_KEYS: JSON.stringify(keys), JWT_SIGNING_KID: signingKid, ...extra });
  const tokenKeys = await loadTokenKeys(config);
  return { tokens: createAccessTokens(config, tokenKeys), tokenKeys, config };
}

describe('access tokens', () => {
  it('when a token is signed, then it verifies to the same principal and carries kid, iss, aud', async () => {
    const key = await generateSigningJwk('k1');
    const { tokens } = await tokensWith([key], 'k1');
    const token = await tokens.sign({ id: userId, role: 'grader' });
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(new TextDecoder().decode(base64url.decode(p))));
    expect(header).toMatchObject({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: userId, role: 'grader', iss: 'vstep-grading-platform', aud: 'vstep-api' });
    expect(payload.exp - payload.iat).toBe(900);
    expect(await tokens.verify(token)).toEqual({ id: userId, role: 'grader' });
  });

  it('when the signing key rotates, then tokens signed by the previous key still verify while it is listed', async () => {
    const oldKey = await generateSigningJwk('2026-01');
    const newKey = await generateSigningJwk('2026-02');
    const before = await tokensWith([oldKey], '2026-01');
    const issuedBefore = await before.tokens.sign({ id: userId, role: 'student' });
    const { d: _private, ...oldPublic } = oldKey;
    const after = await tokensWith([oldPublic, newKey], '2026-02');
    expect(await after.tokens.verify(issuedBefore)).toEqual({ id: userId, role: 'student' });
    const issuedAfter = await after.tokens.sign({ id: userId, role: 'student' });
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(issuedAfter.split('.')[0]!))).kid).toBe('2026-02');
    // Once the old key is removed, its tokens are refused.
    const retired = await tokensWith([newKey], '2026-02');
    await expect(retired.tokens.verify(issuedBefore)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('when a token claims a role that does not exist, then it is refused', async () => {
    const key = await generateSigningJwk('k1');
    const { tokens, tokenKeys, config } = await tokensWith([key], 'k1');
    const forged = await new SignJWT({ role: 'superuser' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(config.auth.issuer)
      .setAudience(config.auth.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(tokenKeys.signingKey);
    await expect(tokens.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an empty list', '[]'],
    ['an RSA key', JSON.stringify([{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' }])],
  ])('when JWT_KEYS is %s, then loading fails with a readable error', async (_case, keys) => {
    const config = loadConfig({ APP_ENV: 'test', JWT_KEYS: keys, JWT_SIGNING_KID: 'k1' });
    await expect(loadTokenKeys(config)).rejects.toBeInstanceOf(KeyConfigError);
  });

  it('when the signing kid names a public-only key, then loading fails', async () => {
    const { d: _d, ...publicOnly } = await generateSigningJwk('k1');
    const config = loadConfig({ APP_ENV: 'test', JWT_KEYS: JSON.stringify([publicOnly]), JWT_SIGNING_KID: 'k1' });
    await expect(loadTokenKeys(config)).rejects.toThrow(/private part/);
  });
});
