// Who uses the platform: students submit, graders review, admins run it.
export const roles = ['student', 'grader', 'admin'] as const;
export type Role = (typeof roles)[number];
