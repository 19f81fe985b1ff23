// One submission: its live status from the event stream, then the result with how it was reached
// (second-marked, adjudicated, changed on appeal, overridden) and the appeal. Students may appeal
// a result while the window is open; staff also see the result's versions and the marks, and
// seniors and admins may override a completed result.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { Answer } from '../components/answer.tsx';
import { MarksTable } from '../components/marks.tsx';
import { AppealForm, AppealView, OverrideForm, ResultHistory } from '../components/moderation.tsx';
import { LateNotice, Loading, MarkingBadges, Notice, ProblemAlert, ResultView, StatusBadge } from '../components/ui.tsx';
import { RedriveButton, WorkflowLink } from '../components/workflow.tsx';
import { api } from '../lib/api.ts';
import { dateTime, label } from '../lib/format.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { follow, type LiveEvent } from '../lib/live.ts';
import { base, overrides, useSession } from '../lib/session.ts';
import type { SubmissionDetail } from '../lib/types.ts';

const explanations: Record<string, string> = {
  pending: 'Your answer is saved and waiting to be graded.',
  processing: 'Your answer is being graded. This page updates by itself.',
  review_pending: 'A teacher is checking the grade. This page updates when they finish.',
  completed: 'Grading is finished.',
  failed: 'Grading could not finish. An administrator has been told; your answer is kept.',
};

/** Events after which the page reads the submission again. */
const changes = new Set(['review_opened', 'mark_recorded', 'result_changed', 'appeal_opened', 'appeal_decided']);

/** Whether more is to come for a settled submission: an appeal being decided. */
const stillMoving = (s: SubmissionDetail | undefined) =>
  !!s && (s.marking.appeal?.status === 'open' || (s.reviews ?? []).some((r) => r.kind === 'appeal' && (r.status === 'open' || r.status === 'claimed')));

/** An event's line in the timeline: its kind of marking or decision, where it has one. */
function detailOf(e: LiveEvent): string {
  const data = (e.data ?? {}) as { kind?: unknown; status?: unknown; version?: unknown };
  if ((e.type === 'review_opened' || e.type === 'mark_recorded') && typeof data.kind === 'string') return ` (${label(data.kind).toLowerCase()})`;
  if (e.type === 'appeal_decided' && typeof data.status === 'string') return `: ${label(data.status).toLowerCase()}`;
  if (e.type === 'result_changed' && typeof data.version === 'number') return `: version ${data.version}`;
  return '';
}

export function SubmissionPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const { user } = useSession();
  const student = user.role === 'student';
  useTitle('Submission');
  const loaded = useLoad(() => api<SubmissionDetail>(`/submissions/${id}`), [id]);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [feed, setFeed] = useState<'connecting' | 'open' | 'closed' | 'retrying'>('connecting');
  // Bumped to follow the feed again after the stream ended (a re-drive starts grading anew, an appeal opens).
  const [generation, setGeneration] = useState(0);
  const submission = loaded.data;
  const moving = useRef(false);
  moving.current = stillMoving(submission);

  useEffect(() => {
    const controller = new AbortController();
    setEvents([]);
    void follow(
      id,
      {
        onEvent: (event) => {
          setEvents((list) => [...list, event]);
          if (event.to || event.type === 'deleted' || changes.has(event.type)) void loaded.reload();
        },
        onState: setFeed,
      },
      controller.signal,
      { watch: () => moving.current },
    );
    return () => controller.abort();
    // Reloading is a stable callback per id.
  }, [id, generation]);

  // The feed ended before the page knew an appeal is open: follow it again, to the decision
  // (a few times at most: a feed that keeps failing is not asked forever).
  const refollowed = useRef(0);
  useEffect(() => {
    if (feed === 'closed' && stillMoving(submission) && refollowed.current < 3) {
      refollowed.current += 1;
      setGeneration((g) => g + 1);
    }
  }, [feed, submission]);

  if (!submission) return loaded.error ? <ProblemAlert error={loaded.error} /> : <Loading what="the submission" />;
  const appeal = submission.marking.appeal;
  return (
    <section>
      <div class="title-row">
        <h1>
          {label(submission.skill)} · {label(submission.task)}
        </h1>
        <StatusBadge status={submission.status} />
      </div>
      <p class="muted">
        {submission.examTask && `${submission.examTask.title} (version ${submission.examTask.version}) · `}
        Submitted {dateTime(submission.createdAt)} · grading mode: {label(submission.mode)}
      </p>
      {submission.late && <LateNotice />}
      <div data-testid="status-text">
        <Notice tone={submission.status === 'failed' ? 'warning' : submission.status === 'completed' ? 'success' : 'info'}>
          {explanations[submission.status]}
          {submission.failureReason && ` Reason: ${submission.failureReason}`}
        </Notice>
      </div>
      {!student && (
        <p class="actions">
          {(submission.status === 'review_pending' || stillMoving(submission)) && (
            <a class="button" href={`${base}/reviews/${submission.id}`}>
              Open the review
            </a>
          )}
          <WorkflowLink workflowId={submission.workflowId} />
          {user.role === 'admin' && submission.status === 'failed' && (
            <RedriveButton
              submission={submission}
              onDone={() => {
                setGeneration((g) => g + 1);
                void loaded.reload();
              }}
            />
          )}
        </p>
      )}
      {submission.result && <ResultView result={submission.result} />}
      <MarkingBadges marking={submission.marking} />
      {appeal && <AppealView appeal={appeal} student={student} />}
      {student && !appeal && (
        <AppealForm
          submission={submission}
          onAppealed={() => {
            void loaded.reload();
            setGeneration((g) => g + 1);
          }}
        />
      )}
      {!student && overrides(user.role) && !(appeal?.status === 'open') && <OverrideForm submission={submission} onDone={() => void loaded.reload()} />}
      {!student && <ResultHistory history={submission.resultHistory ?? []} />}
      {!student && (submission.marks ?? []).length > 0 && (
        <MarksTable skill={submission.skill} marks={submission.marks ?? []} heading="Marks" empty="No marks." />
      )}
      <Answer submission={submission} />
      <section class="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <p class="muted">Live updates: {feed === 'open' ? 'connected' : feed === 'closed' ? 'finished' : feed === 'retrying' ? 'reconnecting…' : 'connecting…'}</p>
        <ol class="timeline" data-testid="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.createdAt}>{dateTime(e.createdAt)}</time> {label(e.type)}
              {detailOf(e)}
              {e.to && (
                <>
                  {' '}
                  → <strong>{label(e.to)}</strong>
                </>
              )}
            </li>
          ))}
        </ol>
      </section>
    </section>
  );
}
