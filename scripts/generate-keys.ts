// npm run keys:generate [-- <kid>] — prints a new Ed25519 signing key as JWT_KEYS /
// JWT_SIGNING_KID lines. To rotate: add the new key to the existing JWT_KEYS array, point
// JWT_SIGNING_KID at it, and remove the old key once its tokens have expired
// (JWT_ACCESS_TTL_SECONDS later).
import { generateSigningJwk } from '../src/auth/token-keys.ts';

const kid = process.argv[2] ?? new Date().toISOString().slice(0, 10);
const jwk = await generateSigningJwk(kid);
process.stdout.write(`JWT_KEYS='${JSON.stringify([jwk])}'\nJWT_SIGNING_KID=${kid}\n`);
