// The audit trail, for admins: every recorded change to a mark, a result, a role or a grading.
import { operationOf, problems } from '../lib/http/operation.ts';
import { auditListQuery, auditPageSchema } from './audit.schemas.ts';
import { presentAuditRecord, type AuditService } from './audit.service.ts';

const operation = operationOf<{ service: AuditService }>();

export const auditRoutes = [
  operation({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit trail, newest first',
    description: '`from` (inclusive) and `to` (exclusive) bound when a record was made.',
    tag: 'Audit',
    roles: ['admin'],
    query: auditListQuery,
    responses: { 200: { description: 'A page', schema: auditPageSchema }, ...problems(400, 401, 403) },
    handler: async ({ query }, { deps, reply }) => {
      const page = await deps.service.list(query);
      return reply(200, { items: page.items.map(presentAuditRecord), nextCursor: page.nextCursor });
    },
  }),
];
