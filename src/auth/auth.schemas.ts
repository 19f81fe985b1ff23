import { z } from 'zod';
import { noNulCharacters, someText } from '../lib/http/validate.ts';
import { roles } from '../domain/roles.ts';

const email = z
  .email('must be an email address')
  .max(254)
  // What z.email() leaves out (RFC 5321 and 1035): at most 64 characters before the @, and domain
  // labels of at most 63 letters, digits and inner hyphens. Stated as `format: email` too.
  .regex(/^[^@]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/, 'must be an email address')
  .meta({ format: 'email' })
  .transform((e) => e.toLowerCase());

// Long enough to resist guessing, short enough that hashing stays cheap to refuse.
const password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');
// Not blank, and no NUL (PostgreSQL text cannot hold it): refused here rather than failing at the database.
export const userNameSchema = someText(120).trim();
const name = userNameSchema;

export const registerSchema = z.strictObject({ email, password, name });
export const createUserSchema = z.strictObject({ email, password, name, role: z.enum(roles) });
// Login accepts any string: a format error must not tell which accounts exist.
export const loginSchema = z.strictObject({
  email: z.string().max(254).regex(noNulCharacters, 'must not contain NUL characters').transform((e) => e.toLowerCase()),
  password: z.string().max(200),
});
export const refreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(200) });

export const userSchema = z.strictObject({ id: z.uuid(), email: z.email(), name: z.string(), role: z.enum(roles) }).meta({ id: 'User' });
export const tokensSchema = z
  .strictObject({ accessToken: z.string(), refreshToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() })
  .meta({ id: 'Tokens' });
export const sessionSchema = z
  .strictObject({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int(), user: userSchema })
  .meta({ id: 'Session', description: 'The access token (keep it in memory) and its account; the refresh token is only in the vstep_refresh cookie.' });

export type PublicUser = z.infer<typeof userSchema>;
export type TokenPair = z.infer<typeof tokensSchema>;
