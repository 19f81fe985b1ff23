// Local demo accounts, one per role (and a second grader, for double marking), so a new user can
// try every flow at once. Only ever in APP_ENV=local: staging and production accounts are
// created by an admin.
import type { Config } from '../config/env.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import type { Role } from '../domain/roles.ts';
import { hashPassword } from './password.ts';

export const demoAccounts: ReadonlyArray<{ email: string; name: string; role: Role }> = [
  { email: 'student@example.com', name: 'Demo Student', role: 'student' },
  { email: 'grader@example.com', name: 'Demo Grader', role: 'grader' },
  { email: 'grader2@example.com', name: 'Demo Grader Two', role: 'grader' },
  { email: 'senior@example.com', name: 'Demo Senior', role: 'senior' },
  { email: 'admin@example.com', name: 'Demo Admin', role: 'admin' },
];

export async function seedDemoAccounts(prisma: PrismaClient, config: Config): Promise<typeof demoAccounts> {
  if (config.env !== 'local') throw new Error(`demo accounts are for APP_ENV=local only, not ${config.env}`);
  const passwordHash = await hashPassword(config.auth.demoPassword);
  for (const account of demoAccounts) {
    // The password follows DEMO_PASSWORD on every start, so the printed one always works.
    await prisma.user.upsert({
      where: { email: account.email },
      create: { ...account, passwordHash },
      update: { passwordHash, role: account.role },
    });
  }
  return demoAccounts;
}
