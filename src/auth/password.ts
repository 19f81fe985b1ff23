// Argon2id password hashing with the OWASP-recommended minimum parameters
// (19 MiB memory, 2 iterations, parallelism 1).
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// Algorithm.Argon2id: a const enum, which isolatedModules cannot read; the tests check the
// stored hash says $argon2id$.
const argon2id = 2 as Algorithm;

export const argon2Options = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, for logins with an unknown email, so response
 * time does not reveal which emails have accounts.
 */
export async function burnVerification(password: string): Promise<false> {
  dummy ??= hashPassword('a password no account has, used only to equalise timing');
  await verifyPassword(await dummy, password);
  return false;
}
