// The public JSON shape of a submission (SPEC §8). Decimals become numbers here.
import type { SubmissionRecord } from './submission.repository.ts';

export function presentSubmission(s: SubmissionRecord, links: { self: string }) {
  const final = s.results.find((r) => r.isFinal) ?? null;
  return {
    id: s.id,
    skill: s.skill,
    task: s.task,
    mode: s.mode,
    status: s.status,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    deadlineAt: s.deadlineAt.toISOString(),
    slaBreached: s.slaBreached,
    workflowId: s.workflowId,
    wordCount: s.wordCount,
    failureReason: s.failureReason,
    result: final && {
      overall: Number(final.overall),
      level: final.level,
      criteria: Object.fromEntries(
        [...final.criteria]
          .sort((a, b) => a.criterion.localeCompare(b.criterion))
          .map((c) => [c.criterion, { score: Number(c.score), evidence: c.evidence, feedback: c.feedback }]),
      ),
      feedback: final.feedback,
      source: final.source,
      provider: final.provider,
      model: final.model,
      scorerVersion: final.scorerVersion,
      routing: final.routing,
      gradedAt: final.createdAt.toISOString(),
    },
    review: s.review && {
      id: s.review.id,
      priority: s.review.priority,
      status: s.review.status,
      dueAt: s.review.dueAt.toISOString(),
    },
    links,
  };
}
