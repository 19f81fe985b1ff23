import { z } from 'zod';
import { skills } from '../domain/scores.ts';
import { instantInput, instantSchema, taskSchema } from '../submissions/submission.schemas.ts';

export const agreementQuery = z
  .object({
    from: instantInput.optional().describe('Submissions created at or after this instant; must be before `to`.'),
    to: instantInput.optional().describe('Submissions created before this instant.'),
    skill: z.enum(skills).optional(),
    task: taskSchema.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export type AgreementQuery = z.output<typeof agreementQuery>;

const count = z.number().int().min(0);
const mean = z.number().nullable().describe('Rounded to 3 decimals; null when there is nothing to average.');
const share = z.number().min(0).max(1).nullable().describe('0-1, rounded to 3 decimals; null when there is nothing to count.');
const kappa = z.number().min(-1).max(1).nullable().describe('Quadratic weighted kappa on the 0-10 half-point grid, rounded to 3 decimals; null when undefined.');

export const graderAgreementSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    marks: count.describe('Every mark they made, of any kind.'),
    adjudications: count,
    appeals: count,
    compared: count.describe('Their first and second marks on submissions with a final result.'),
    meanDifference: mean.describe('Severity: mean (mark − final) overall over `compared`; negative is severe, positive lenient.'),
    meanAbsoluteDifference: mean,
    doubleMarked: count.describe('Their first and second marks on submissions that have both a first and a second mark.'),
    adjudicatedShare: share.describe('Share of `doubleMarked` that went to adjudication.'),
  })
  .meta({ id: 'GraderAgreement' });

export const raterAgreementSchema = z
  .strictObject({
    filter: z.strictObject({
      from: instantSchema.nullable(),
      to: instantSchema.nullable(),
      skill: z.enum(skills).nullable(),
      task: taskSchema.nullable(),
    }),
    graders: z.array(graderAgreementSchema).describe('Most marks first.'),
    humanHuman: z
      .strictObject({ n: count, qwk: kappa, exactAgreement: share, withinHalfPoint: share, adjudicatedShare: share })
      .describe('First vs second mark, over submissions that have both.')
      .meta({ id: 'HumanHumanAgreement' }),
    humanAi: z
      .strictObject({
        n: count,
        qwk: kappa,
        meanBias: mean.describe('Mean (AI − final) overall.'),
        criteria: z.record(z.string(), z.strictObject({ n: count, meanBias: mean })).describe('Mean (AI − final) score per criterion.'),
      })
      .describe('The AI draft vs the final result people decided, over reviewed submissions that had a draft.')
      .meta({ id: 'HumanAiAgreement' }),
  })
  .meta({ id: 'RaterAgreement' });

export type RaterAgreementView = z.input<typeof raterAgreementSchema>;
