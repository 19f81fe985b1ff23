// One submission: its live status from the event stream, then the result.
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { Answer } from '../components/answer.tsx';
import { LateNotice, Loading, Notice, ProblemAlert, ResultView, StatusBadge } from '../components/ui.tsx';
import { RedriveButton, WorkflowLink } from '../components/workflow.tsx';
import { api } from '../lib/api.ts';
import { dateTime, label } from '../lib/format.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { follow, type LiveEvent } from '../lib/live.ts';
import { base, useSession } from '../lib/session.ts';
import type { SubmissionDetail } from '../lib/types.ts';

const explanations: Record<string, string> = {
  pending: 'Your answer is saved and waiting to be graded.',
  processing: 'Your answer is being graded. This page updates by itself.',
  review_pending: 'A teacher is checking the grade. This page updates when they finish.',
  completed: 'Grading is finished.',
  failed: 'Grading could not finish. An administrator has been told; your answer is kept.',
};

export function SubmissionPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const { user } = useSession();
  useTitle('Submission');
  const loaded = useLoad(() => api<SubmissionDetail>(`/submissions/${id}`), [id]);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [feed, setFeed] = useState<'connecting' | 'open' | 'closed' | 'retrying'>('connecting');
  // Bumped to follow the feed again after the stream ended (a re-drive starts grading anew).
  const [generation, setGeneration] = useState(0);
  const submission = loaded.data;

  useEffect(() => {
    const controller = new AbortController();
    setEvents([]);
    void follow(
      id,
      {
        onEvent: (event) => {
          setEvents((list) => [...list, event]);
          if (event.to || event.type === 'deleted') void loaded.reload();
        },
        onState: setFeed,
      },
      controller.signal,
    );
    return () => controller.abort();
    // Reloading is a stable callback per id.
  }, [id, generation]);

  if (!submission) return loaded.error ? <ProblemAlert error={loaded.error} /> : <Loading what="the submission" />;
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
      {user.role !== 'student' && (
        <p class="actions">
          {submission.status === 'review_pending' && <a class="button" href={`${base}/reviews/${submission.id}`}>Open the review</a>}
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
      <Answer submission={submission} />
      <section class="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <p class="muted">Live updates: {feed === 'open' ? 'connected' : feed === 'closed' ? 'finished' : feed === 'retrying' ? 'reconnecting…' : 'connecting…'}</p>
        <ol class="timeline" data-testid="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.createdAt}>{dateTime(e.createdAt)}</time> {label(e.type)}
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
