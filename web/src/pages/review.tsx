// A review: the answer, the AI draft with its evidence and the reasons it came here, the lease, and
// the grader's score form. Conflicts (claimed by someone else, already completed) are explained.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Answer } from '../components/answer.tsx';
import { Lease } from '../components/lease.tsx';
import { ScoreForm } from '../components/score-form.tsx';
import { LateNotice, Loading, Notice, ProblemAlert, ResultView } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { label } from '../lib/format.ts';
import { asApiError, useLoad, useNow, useTitle } from '../lib/hooks.ts';
import { base, useSession } from '../lib/session.ts';
import { useRoute } from 'preact-iso';
import type { Review, ReviewDecision, Submission, SubmissionDetail } from '../lib/types.ts';

export function ReviewPage() {
  useTitle('Review');
  const { params } = useRoute();
  const { user } = useSession();
  const now = useNow();
  const loaded = useLoad(() => api<SubmissionDetail>(`/submissions/${params.submissionId}`), [params.submissionId]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [completed, setCompleted] = useState(false);
  const doneNotice = useRef<HTMLDivElement>(null);
  const submission = loaded.data;
  // The form the grader was in is gone: move focus to what replaced it, so it is read out.
  useEffect(() => {
    if (completed) doneNotice.current?.focus();
  }, [completed]);

  if (!submission) return loaded.error ? <ProblemAlert error={loaded.error} /> : <Loading what="the review" />;
  const review = submission.review;
  const held =
    review?.status === 'claimed' && review.claimedBy === user.id && !!review.leaseExpiresAt && new Date(review.leaseExpiresAt).getTime() > now;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
      await loaded.reload();
    }
  };
  const leaseAction = (what: 'claim' | 'release') => run(async () => void (await api<Review>(`/reviews/${review!.id}/${what}`, { method: 'POST' })));
  const complete = (decision: ReviewDecision) =>
    run(async () => {
      await api<Submission>(`/reviews/${review!.id}/complete`, { method: 'POST', json: decision });
      setCompleted(true);
    });

  return (
    <section>
      <div class="title-row">
        <h1>
          Review · {label(submission.skill)} {label(submission.task)}
        </h1>
        <a href={`${base}/reviews`}>Back to the queue</a>
      </div>
      {submission.late && <LateNotice />}
      <ProblemAlert error={error} />
      {completed || review?.status === 'completed' || submission.status === 'completed' ? (
        <>
          <div ref={doneNotice} tabIndex={-1}>
            <Notice tone="success">This review is completed. The student sees the final result.</Notice>
          </div>
          {submission.result && <ResultView result={submission.result} heading="Final result" />}
        </>
      ) : !review ? (
        <Notice tone="warning">This submission has no review.</Notice>
      ) : (
        <div class="card lease-bar">
          <span class={`badge priority-${review.priority}`}>{label(review.priority)} priority</span>
          <Lease claimedBy={review.claimedBy ?? null} leaseExpiresAt={review.leaseExpiresAt ?? null} me={user.id} />
          {user.role === 'grader' && (
            <span class="actions">
              <button type="button" disabled={busy} onClick={() => void leaseAction('claim')}>
                {held ? 'Renew claim' : 'Claim'}
              </button>
              {held && (
                <button type="button" class="secondary" disabled={busy} onClick={() => void leaseAction('release')}>
                  Release
                </button>
              )}
            </span>
          )}
          <div class="reasons">
            Sent for review because: {review.reasons.map((r) => <span key={r} class="tag">{label(r)}</span>)}
          </div>
        </div>
      )}
      <div class="review-grid">
        <div>
          <Answer submission={submission} open />
          {submission.aiDraft && <ResultView result={submission.aiDraft} heading="AI draft" />}
        </div>
        {!completed && review && review.status !== 'completed' && user.role === 'grader' && (
          <div>
            {!held && <Notice>Claim this review to score it.</Notice>}
            <ScoreForm key={submission.id} skill={submission.skill} draft={submission.aiDraft} disabled={!held} busy={busy} onComplete={complete} />
          </div>
        )}
      </div>
    </section>
  );
}
