// Graded responses written straight into the database, for tests that need a known history
// (progress, attempts, listings) without running gradings.
import { randomUUID } from 'node:crypto';
import { criteriaFor, levelFor, overallScore, type Skill, type Task } from '../../src/domain/scores.ts';
import type { PrismaClient } from '../../src/lib/prisma.ts';
import { workflowIdFor } from '../../src/grading/contract.ts';

export interface Graded {
  studentId: string;
  skill: Skill;
  task: Task;
  /** Criterion scores in the order of criteriaFor[skill]. */
  scores: number[];
  gradedAt: Date;
  attemptId?: string;
}

export async function insertGraded(prisma: PrismaClient, g: Graded): Promise<{ id: string; overall: number }> {
  const id = randomUUID();
  const criteria = Object.fromEntries(criteriaFor[g.skill].map((c, i) => [c, { score: g.scores[i]! }]));
  const overall = overallScore(criteria);
  await prisma.submission.create({
    data: {
      id,
      studentId: g.studentId,
      attemptId: g.attemptId,
      skill: g.skill,
      task: g.task,
      mode: 'auto',
      status: 'completed',
      prompt: 'A known prompt.',
      ...(g.skill === 'writing' ? { text: 'A known response.' } : { audioKey: `submissions/${id}.wav`, audioFormat: 'wav' }),
      workflowId: workflowIdFor(id),
      createdAt: g.gradedAt,
      deadlineAt: new Date(g.gradedAt.getTime() + 3_600_000),
      results: {
        create: {
          source: 'ai',
          isFinal: true,
          overall,
          level: levelFor(overall),
          feedback: 'Known.',
          provider: 'test',
          scorerVersion: 'test',
          createdAt: g.gradedAt,
          criteria: { create: Object.entries(criteria).map(([criterion, { score }]) => ({ criterion, score, evidence: [] })) },
        },
      },
    },
  });
  return { id, overall };
}
