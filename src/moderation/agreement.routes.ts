// Rater agreement for the people who moderate marking: per grader severity and adjudications,
// first vs second mark, and the AI draft vs the final result (docs/moderation.md).
import { operationOf, problems } from '../lib/http/operation.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { agreementQuery, raterAgreementSchema } from './agreement.schemas.ts';
import { raterAgreement } from './agreement.service.ts';

const operation = operationOf<{ prisma: PrismaClient }>();

export const agreementRoutes = [
  operation({
    method: 'get',
    path: '/admin/graders/agreement',
    summary: 'Rater agreement: per grader, human–human and human–AI',
    description:
      'Over the submissions made in the period (their createdAt, `from` inclusive, `to` exclusive) of the skill and task given. ' +
      'Per grader: marks, severity against the final result and the share of double marks that went to adjudication; ' +
      'first vs second mark (QWK, exact and within-0.5 agreement); the AI draft vs the final result people decided (QWK, bias overall and per criterion).',
    tag: 'Moderation',
    roles: ['admin', 'senior'],
    query: agreementQuery,
    responses: { 200: { description: 'The figures', schema: raterAgreementSchema }, ...problems(400, 401, 403) },
    handler: async ({ query }, { deps, reply }) => reply(200, await raterAgreement(deps.prisma, query)),
  }),
];
