// Every action the audit trail records (src/audit), shared with the console's filter.
export const auditActions = [
  'mark.recorded',
  'result.finalised',
  'result.overridden',
  'appeal.opened',
  'appeal.decided',
  'user.created',
  'user.role_changed',
  'submission.redriven',
  'submission.deleted',
] as const;
export type AuditAction = (typeof auditActions)[number];
