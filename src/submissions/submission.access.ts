// Who may see which submissions. Anything a principal may not see is reported as missing (404),
// so submission ids cannot be probed.
import type { Principal } from '../auth/access-tokens.ts';
import type { Prisma } from '../lib/prisma.ts';

export function visibleTo(principal: Principal): Prisma.SubmissionWhereInput {
  switch (principal.role) {
    // Seniors moderate: any result may need their override, an auto-graded one too.
    case 'senior':
    case 'admin':
      return {};
    case 'student':
      return { studentId: principal.id };
    case 'grader':
      // Markers work on submissions that are, or were, marked by people (appeals are for seniors).
      return { OR: [{ status: 'review_pending' }, { reviews: { some: { kind: { not: 'appeal' } } } }] };
  }
}

export function mayDelete(principal: Principal, submission: { studentId: string | null }): boolean {
  return principal.role === 'admin' || (principal.role === 'student' && submission.studentId === principal.id);
}
