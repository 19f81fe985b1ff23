// The public JSON shape of a submission (submission.schemas.ts declares it). Decimals become numbers here.
import type { Principal } from '../auth/access-tokens.ts';
import type { Config } from '../config/env.ts';
import { blindReasons } from '../domain/moderation.ts';
import type { Level } from '../domain/scores.ts';
import { tolerances, type Uncertainty } from '../domain/uncertainty.ts';
import type { AudioFormat } from '../speech/audio-format.ts';
import { presentTranscript } from '../speech/transcripts.ts';
import type { SubmissionRecord } from './submission.repository.ts';
import type { ResultView, SubmissionDetailView, SubmissionView } from './submission.schemas.ts';

type ResultRow = SubmissionRecord['results'][number];

/** Where a submission is read. */
export const selfLink = (id: string) => ({ self: `/submissions/${id}` });

function presentUncertainty(u: Uncertainty | null): ResultView['uncertainty'] {
  if (!u) return null;
  return { within: tolerances.map((tolerance, i) => ({ tolerance, probability: u.within[i] ?? 0 })), interval: u.interval, calibration: u.calibration };
}

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
    version: r.version,
    reason: r.reason,
    provider: r.provider,
    model: r.model,
    scorerVersion: r.scorerVersion,
    confidence: r.confidence,
    uncertainty: presentUncertainty(r.uncertainty as Uncertainty | null),
    usage: r.promptTokens === null || r.completionTokens === null ? null : { promptTokens: r.promptTokens, completionTokens: r.completionTokens },
    routing: r.routing as ResultView['routing'],
    gradedAt: r.createdAt.toISOString(),
  };
}

/** Who is reading: what they may see of the marking depends on it. */
export interface Viewer {
  staff: boolean;
  /** The reader's id and whether they are an admin (who sees every mark at any time). */
  id?: string;
  admin?: boolean;
  /** GRADING_SECOND_MARKER_SEES_AI_DRAFT. */
  secondMarkerSeesAiDraft?: boolean;
  /** APPEAL_WINDOW_DAYS; absent: the student is not shown an appeal deadline. */
  appealWindowDays?: number;
}

/** The viewer a principal is, under the platform's moderation settings. */
export function viewerOf(principal: Principal, moderation: Config['moderation']): Viewer {
  return {
    staff: principal.role !== 'student',
    id: principal.id,
    admin: principal.role === 'admin',
    secondMarkerSeesAiDraft: moderation.secondMarkerSeesAiDraft,
    appealWindowDays: moderation.appealWindowDays,
  };
}

type ReviewRow = SubmissionRecord['reviews'][number];
type MarkRow = SubmissionRecord['marks'][number];

const holds = (r: ReviewRow, viewer: Viewer) => viewer.id !== undefined && r.claimedById === viewer.id;

/**
 * Blind marking: while a submission is being marked, a marker sees only their own mark and, on a
 * double-marked one, the AI draft only with the first marking (or when configured); whoever
 * holds the adjudication sees everything. Admins, and everyone once the marking is over, see all.
 */
function blindness(s: SubmissionRecord, viewer: Viewer) {
  const over = s.status === 'completed' || s.status === 'failed';
  const adjudicating = s.reviews.some((r) => (r.kind === 'adjudication' || r.kind === 'appeal') && holds(r, viewer));
  const seesAll = viewer.admin === true || over || adjudicating;
  const firstMarker = s.reviews.some((r) => r.kind === 'first' && holds(r, viewer));
  return {
    mark: (m: MarkRow) => seesAll || (viewer.id !== undefined && m.graderId === viewer.id),
    marks: seesAll,
    aiDraft: !s.doubleMarked || seesAll || firstMarker || viewer.secondMarkerSeesAiDraft === true,
  };
}

function presentReviewSummary(r: ReviewRow, viewer: Viewer, blind: { aiDraft: boolean; marks: boolean }) {
  return {
    id: r.id,
    kind: r.kind,
    priority: r.priority,
    status: r.status,
    // Routing reasons hint at the AI's scores, an adjudication's at the other mark: hidden from
    // whoever may not see them.
    reasons: r.kind === 'adjudication' && !blind.marks ? [] : blind.aiDraft ? r.reasons : blindReasons(r.reasons),
    note: r.note,
    dueAt: r.dueAt.toISOString(),
    // Who holds the claim and until when: what a grader's review screen shows.
    ...(viewer.staff ? { claimedBy: r.claimedById, leaseExpiresAt: r.leaseExpiresAt?.toISOString() ?? null } : {}),
  };
}

function presentMark(m: MarkRow) {
  return {
    id: m.id,
    reviewId: m.reviewId,
    kind: m.kind,
    graderId: m.graderId,
    overall: Number(m.overall),
    level: m.level as Level,
    criteria: m.criteria as Record<string, { score: number; feedback?: string }>,
    feedback: m.feedback,
    markedAt: m.createdAt.toISOString(),
  };
}

/** The marking under way: for staff the one they hold; else an open one; else the latest. */
function currentReview(s: SubmissionRecord, viewer: Viewer): ReviewRow | undefined {
  const latest = s.reviews.at(-1);
  return s.reviews.find((r) => r.status === 'claimed' && holds(r, viewer)) ?? s.reviews.findLast((r) => r.status === 'open' || r.status === 'claimed') ?? latest;
}

const dayMs = 86_400_000;

export function presentAppeal(a: NonNullable<SubmissionRecord['appeal']>) {
  return {
    id: a.id,
    submissionId: a.submissionId,
    status: a.status,
    reason: a.reason,
    response: a.response,
    appealedVersion: a.appealedVersion,
    resultVersion: a.resultVersion,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}

function presentMarking(s: SubmissionRecord, final: ResultRow | null, viewer: Viewer) {
  const finals = s.results.filter((r) => r.version > 0);
  const windowOpen =
    viewer.appealWindowDays !== undefined && viewer.appealWindowDays > 0 && s.status === 'completed' && final !== null && s.appeal === null
      ? new Date(final.createdAt.getTime() + viewer.appealWindowDays * dayMs)
      : null;
  return {
    secondMarked: s.marks.some((m) => m.kind === 'second') && s.status === 'completed',
    adjudicated: finals.some((r) => r.source === 'adjudicated'),
    changedOnAppeal: finals.some((r) => r.source === 'appeal'),
    overridden: finals.some((r) => r.source === 'override'),
    appeal: s.appeal && presentAppeal(s.appeal),
    appealOpenUntil: windowOpen && windowOpen.getTime() > Date.now() ? windowOpen.toISOString() : null,
  };
}

/**
 * `result` is the final result (the latest version). Staff (graders, seniors, admins) also see
 * `aiDraft`, the AI result that went to review, every marking, the marks blindness allows and
 * the result's earlier versions.
 */
export function presentSubmission(s: SubmissionRecord, links: { self: string }, viewer: Viewer = { staff: false }): SubmissionView {
  const final = s.results.find((r) => r.isFinal) ?? null;
  const draft = s.results.find((r) => r.version === 0) ?? null;
  const blind = blindness(s, viewer);
  const review = currentReview(s, viewer);
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
    ...(viewer.staff
      ? {
          aiDraft: draft && blind.aiDraft ? presentResult(draft) : null,
          reviews: s.reviews.map((r) => presentReviewSummary(r, viewer, blind)),
          marks: s.marks.filter(blind.mark).map(presentMark),
          resultHistory: s.results.filter((r) => r.version > 0).map(presentResult),
        }
      : {}),
    review: review ? presentReviewSummary(review, viewer, viewer.staff ? blind : { aiDraft: !s.doubleMarked, marks: false }) : null,
    marking: presentMarking(s, final, viewer),
    links,
  };
}

/**
 * One submission on its own page: also what was asked and, for writing, the essay. Lists leave
 * both out to keep their pages small.
 */
export function presentSubmissionDetail(s: SubmissionRecord, links: { self: string }, viewer: Viewer = { staff: false }): SubmissionDetailView {
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
