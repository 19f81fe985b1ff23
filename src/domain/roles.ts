// Who uses the platform: students submit, graders mark, seniors also adjudicate, decide appeals
// and override results, admins run it.
export const roles = ['student', 'grader', 'senior', 'admin'] as const;
export type Role = (typeof roles)[number];

/** The roles that mark (claim and complete reviews). */
export const markers = ['grader', 'senior'] as const satisfies readonly Role[];

/** The roles that read submissions as staff (grader notes, AI drafts, review claims). */
export const staffRoles = ['grader', 'senior', 'admin'] as const satisfies readonly Role[];

export const isStaff = (role: Role) => role !== 'student';
