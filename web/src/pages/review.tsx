// A review: the answer, the AI draft with its evidence and the reasons it came here, the lease, and
// the marker's score form. The header says which marking it is: a first mark, the blind second
// mark, a senior's adjudication between two marks (shown side by side) or a senior's decision on
// an appeal (the student's reason, the result appealed). Conflicts (claimed by someone else,
// already completed, marked already) are explained.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { Answer } from '../components/answer.tsx';
import { Lease } from '../components/lease.tsx';
import { MarksTable } from '../components/marks.tsx';
import { ScoreForm, type Scored } from '../components/score-form.tsx';
import { KindBadge, LateNotice, Loading, Notice, ProblemAlert, ResultView } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { label, score } from '../lib/format.ts';
import { asApiError, useLoad, useNow, useTitle } from '../lib/hooks.ts';
import { base, marks, mayClaim, useSession } from '../lib/session.ts';
import type { Result, Review, ReviewDecision, ReviewKind, Submission, SubmissionDetail } from '../lib/types.ts';

/** What each marking is, in a sentence under the title. */
function purpose(kind: ReviewKind, doubleMarked: boolean): string {
  switch (kind) {
    case 'first':
      return doubleMarked
        ? 'The first of two independent marks: a second marker marks this answer without seeing your scores.'
        : 'Your scores become the student’s result.';
    case 'second':
      return 'The second, blind mark: the first marker’s scores are not shown. If the two marks are far apart, a senior grader adjudicates.';
    case 'adjudication':
      return 'The two marks disagree: decide the result. Your scores are final.';
    case 'appeal':
      return 'The student appealed the result. Scores equal to the current result uphold it; different scores change it, as a new version the student sees.';
  }
}

/** Whether the scores are exactly the result's (a decision that upholds it). */
const sameAs = (result: Result, scored: Scored) =>
  Object.entries(scored.criteria).every(([name, s]) => result.criteria[name]?.score === s);

export function ReviewPage() {
  useTitle('Review');
  const { params } = useRoute();
  const { user } = useSession();
  const now = useNow();
  const loaded = useLoad(() => api<SubmissionDetail>(`/submissions/${params.submissionId}`), [params.submissionId]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [completed, setCompleted] = useState<{ kind: ReviewKind; after: Submission } | null>(null);
  const doneNotice = useRef<HTMLDivElement>(null);
  const submission = loaded.data;
  // The form the grader was in is gone: move focus to what replaced it, so it is read out.
  useEffect(() => {
    if (completed) doneNotice.current?.focus();
  }, [completed]);

  if (!submission) return loaded.error ? <ProblemAlert error={loaded.error} /> : <Loading what="the review" />;
  const review = submission.review;
  const kind = review?.kind ?? 'first';
  const doubleMarked = submission.reviews?.some((r) => r.kind === 'second') ?? false;
  const held =
    review?.status === 'claimed' && review.claimedBy === user.id && !!review.leaseExpiresAt && new Date(review.leaseExpiresAt).getTime() > now;
  // A marking under way: before the result for the grading's markings, after it for an appeal.
  const active =
    !!review && (review.status === 'open' || review.status === 'claimed') && (submission.status === 'review_pending' || review.kind === 'appeal');
  const mayMark = mayClaim(user.role, kind);
  // Each marking of a submission is by someone else: whoever marked it already takes no other.
  const markedAlready = !held ? submission.marks?.find((m) => m.graderId === user.id && m.reviewId !== review?.id) : undefined;
  const result = submission.result;

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
      const after = await api<Submission>(`/reviews/${review!.id}/complete`, { method: 'POST', json: decision });
      setCompleted({ kind, after });
    });

  const doneText = (): string => {
    const of = completed?.kind ?? kind;
    if (of === 'appeal') return 'This appeal is decided. The student sees the decision.';
    // An adjudication, or the only mark, is the result; a first or second mark of two is not yet.
    const final = of === 'adjudication' || (of === 'first' && !doubleMarked) || (completed?.after ?? submission).status === 'completed';
    return final
      ? 'This review is completed. The student sees the final result.'
      : 'This review is completed: your mark is recorded. The student gets a result once the marking is finished.';
  };

  const form = () => {
    const common = { skill: submission.skill, disabled: !held, busy, onComplete: complete };
    if (kind === 'appeal' && result) {
      return (
        <ScoreForm
          key={review!.id}
          {...common}
          draft={result}
          prefillFeedback={false}
          heading="Your decision on the appeal"
          feedbackLabel="Your answer to the student"
          confirmHeading="Decide this appeal?"
          confirm={(s) =>
            sameAs(result, s) ? (
              <>
                This upholds the result: overall <strong>{score(result.overall)}</strong> ({result.level ?? 'below B1'}) stays. The student gets your answer.
              </>
            ) : (
              <>
                This changes the result from {score(result.overall)} to overall <strong>{score(s.overall)}</strong> ({s.level}): a new version the student sees. This is final.
              </>
            )
          }
          verdict={(s) =>
            s && (
              <p class={sameAs(result, s) ? 'verdict upholds' : 'verdict changes'}>
                {sameAs(result, s)
                  ? 'These scores are the current result’s: completing upholds it.'
                  : `These scores differ from the current result’s: completing changes the result (overall ${score(result.overall)} → ${score(s.overall)}).`}
              </p>
            )
          }
        />
      );
    }
    if (kind === 'adjudication') {
      return (
        <ScoreForm
          key={review!.id}
          {...common}
          draft={null}
          heading="Your decision"
          confirmHeading="Complete this adjudication?"
          confirm={(s) => (
            <>
              The student will get overall <strong>{score(s.overall)}</strong> ({s.level}), deciding between the two marks. This is final.
            </>
          )}
        />
      );
    }
    return (
      <ScoreForm
        key={review!.id}
        {...common}
        draft={submission.aiDraft}
        confirm={
          doubleMarked
            ? (s) => (
                <>
                  Your mark: overall <strong>{score(s.overall)}</strong> ({s.level}). The student’s result comes from both marks, so this is not yet what they see.
                  You cannot change it afterwards.
                </>
              )
            : undefined
        }
      />
    );
  };

  const comparing = (kind === 'adjudication' || kind === 'appeal') && active;
  return (
    <section>
      <div class="title-row">
        <h1>
          {label(kind)} · {label(submission.skill)} {label(submission.task)}
        </h1>
        <a href={`${base}/reviews`}>Back to the queue</a>
      </div>
      <p class="muted" data-testid="purpose">
        {purpose(kind, doubleMarked)}
      </p>
      {submission.late && <LateNotice />}
      <ProblemAlert error={error} />
      {!review ? (
        <Notice tone="warning">This submission has no review.</Notice>
      ) : completed || !active ? (
        <>
          <div ref={doneNotice} tabIndex={-1}>
            <Notice tone="success">{doneText()}</Notice>
          </div>
          {result && <ResultView result={result} heading="Final result" />}
        </>
      ) : (
        <div class="card lease-bar">
          <KindBadge kind={kind} />
          <span class={`badge priority-${review.priority}`}>{label(review.priority)} priority</span>
          <Lease claimedBy={review.claimedBy ?? null} leaseExpiresAt={review.leaseExpiresAt ?? null} me={user.id} />
          {mayMark && !markedAlready && (
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
      {!completed && active && markedAlready && (
        <Notice tone="warning">
          You marked this submission ({label(markedAlready.kind).toLowerCase()}); another marker takes the {label(kind).toLowerCase()}.
        </Notice>
      )}
      {!completed && active && !mayMark && marks(user.role) && <Notice tone="warning">A senior grader decides this {label(kind).toLowerCase()}.</Notice>}
      {!completed && comparing && kind === 'appeal' && (
        <section class="card appeal-reason" aria-labelledby="appeal-reason-heading">
          <h2 id="appeal-reason-heading">The student’s appeal</h2>
          <blockquote data-testid="appeal-reason">{review!.note ?? 'No reason given.'}</blockquote>
        </section>
      )}
      {!completed && comparing && (
        <MarksTable
          skill={submission.skill}
          marks={submission.marks ?? []}
          current={kind === 'appeal' ? result : null}
          empty={held ? 'No marks to compare.' : `Claim this ${label(kind).toLowerCase()} to see the marks.`}
        />
      )}
      <div class="review-grid">
        <div>
          {!completed && kind === 'appeal' && active && result && <ResultView result={result} heading="Current result" />}
          <Answer submission={submission} open />
          {submission.aiDraft && <ResultView result={submission.aiDraft} heading="AI draft" />}
        </div>
        {!completed && active && mayMark && !markedAlready && (
          <div>
            {!held && <Notice>Claim this review to score it.</Notice>}
            {form()}
          </div>
        )}
      </div>
    </section>
  );
}
