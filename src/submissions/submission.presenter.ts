// The public JSON shape of a submission (submission.schemas.ts declares it). Decimals become numbers here.
import type { Level } from '../domain/scores.ts';
import type { AudioFormat } from '../speech/audio-format.ts';
import { presentTranscript } from '../speech/transcripts.ts';
import type { SubmissionRecord } from './submission.repository.ts';
import type { ResultView, SubmissionDetailView, SubmissionView } from './submission.schemas.ts';

type ResultRow = SubmissionRecord['results'][number];

/** Where a submission is read. */
export const selfLink = (id: string) => ({ self: `/submissions/${id}` });

function presentResult(r: ResultRow): ResultView {
  return {
    overall: Number(r.overall),
    // Both written by this platform: the level from the overall, the routing by resultRows().
    level: r.level as Level,
    criteria: Object.fromEntries(
      [...r.criteria]
        .sort((a, b) => a.criterion.localeCompare(b.criterion))
        .map((c) => [c.criterion, { score: Number(c.score), evidence: c.evidence, feedback: c.feedback, ...(c.estimated ? { estimated: true as const } : {}) }]),
    ),
    feedback: r.feedback,
    source: r.source,
    provider: r.provider,
    model: r.model,
    scorerVersion: r.scorerVersion,
    confidence: r.confidence,
    routing: r.routing as ResultView['routing'],
    gradedAt: r.createdAt.toISOString(),
  };
}

/**
 * `result` is the final result. Staff (graders, admins) also see `aiDraft`: the AI result that
 * was not final (it went to review), with its evidence and routing reasons.
 */
export function presentSubmission(s: SubmissionRecord, links: { self: string }, viewer: { staff: boolean } = { staff: false }): SubmissionView {
  const final = s.results.find((r) => r.isFinal) ?? null;
  const draft = s.results.find((r) => r.source === 'ai' && !r.isFinal) ?? null;
  return {
    id: s.id,
    skill: s.skill,
    task: s.task,
    mode: s.mode,
    taskId: s.examTaskId,
    attemptId: s.attemptId,
    ...(viewer.staff ? { late: s.late } : {}),
    status: s.status,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    deadlineAt: s.deadlineAt.toISOString(),
    slaBreached: s.slaBreached,
    workflowId: s.workflowId,
    wordCount: s.wordCount,
    failureReason: s.failureReason,
    ...(s.skill === 'speaking'
      ? {
          audio: s.audioKey
            ? { format: s.audioFormat as AudioFormat, bytes: s.audioBytes, durationSeconds: s.audioSeconds, url: `${links.self}/audio` }
            : null,
          transcript: s.transcript && presentTranscript(s.transcript),
        }
      : {}),
    result: final && presentResult(final),
    ...(viewer.staff ? { aiDraft: draft && presentResult(draft) } : {}),
    review: s.review && {
      id: s.review.id,
      priority: s.review.priority,
      status: s.review.status,
      reasons: s.review.reasons,
      note: s.review.note,
      dueAt: s.review.dueAt.toISOString(),
      // Who holds the claim and until when: what a grader's review screen shows.
      ...(viewer.staff ? { claimedBy: s.review.claimedById, leaseExpiresAt: s.review.leaseExpiresAt?.toISOString() ?? null } : {}),
    },
    links,
  };
}

/**
 * One submission on its own page: also what was asked and, for writing, the essay. Lists leave
 * both out to keep their pages small.
 */
export function presentSubmissionDetail(s: SubmissionRecord, links: { self: string }, viewer: { staff: boolean } = { staff: false }): SubmissionDetailView {
  return {
    ...presentSubmission(s, links, viewer),
    prompt: s.prompt,
    ...(s.skill === 'writing' ? { text: s.text ?? '' } : {}),
    examTask: s.examTask && {
      id: s.examTask.id,
      title: s.examTask.title,
      version: s.examTask.version,
      questions: s.examTask.questions,
      // What graders are asked to look for: for the review screen, never for the student.
      ...(viewer.staff ? { graderNotes: s.examTask.graderNotes } : {}),
    },
  };
}
