import { z } from 'zod';
import { userNameSchema, userSchema } from '../auth/auth.schemas.ts';
import { roles } from '../domain/roles.ts';
import { cursorPattern, instantSchema } from '../submissions/submission.schemas.ts';

export const userIdParams = z.object({ id: z.uuid('must be a UUID') });

export const userListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(cursorPattern, 'is not a cursor this API issued').optional(),
  role: z.enum(roles).optional(),
});

export type UserListQuery = z.output<typeof userListQuery>;

const userChanges = z.strictObject({
  role: z.enum(roles).optional().describe("The account's new role; not your own (another admin changes an admin's role)."),
  name: userNameSchema.optional(),
});

/** An admin's edit of an account: at least one change. */
export const updateUserSchema = userChanges
  .refine((changes) => Object.keys(changes).length > 0, 'must name at least one field to change')
  .meta({ minProperties: 1 } as Record<string, unknown>);

export type UpdateUser = z.output<typeof userChanges>;

/** An account as admins list it: the user, and when it was created (the order of the list). */
export const accountSchema = userSchema.extend({ createdAt: instantSchema }).meta({ id: 'Account', description: 'A user account as admins see it.' });

export const accountPageSchema = z.strictObject({ items: z.array(accountSchema), nextCursor: z.string().nullable() }).meta({ id: 'AccountPage' });

export type AccountView = z.input<typeof accountSchema>;
