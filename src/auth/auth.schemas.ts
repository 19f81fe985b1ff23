import { z } from 'zod';
import { roles } from './access-tokens.ts';

const email = z
  .email('must be an email address')
  .max(254)
  .transform((e) => e.toLowerCase());

// Long enough to resist guessing, short enough that hashing stays cheap to refuse.
const password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');
const name = z.string().trim().min(1, 'must not be empty').max(120);

export const registerSchema = z.strictObject({ email, password, name });
export const createUserSchema = z.strictObject({ email, password, name, role: z.enum(roles) });
// Login accepts any string: a format error must not tell which accounts exist.
export const loginSchema = z.strictObject({ email: z.string().max(254).transform((e) => e.toLowerCase()), password: z.string().max(200) });
export const refreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(200) });
