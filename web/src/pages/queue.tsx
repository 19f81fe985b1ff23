// The grader's review queue: counts by priority and age, filters (which marking, too), claim and
// release. Adjudications and appeals are a senior's: graders see them but cannot claim them.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Lease } from '../components/lease.tsx';
import { FilterSelect, KindBadge, Loading, ProblemAlert } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { duration, label } from '../lib/format.ts';
import { asApiError, useLoad, useNow, useTitle } from '../lib/hooks.ts';
import { base, marks, mayClaim, useSession } from '../lib/session.ts';
import type { Review, ReviewQueue, ReviewQueueItem } from '../lib/types.ts';

const hour = 3_600_000;
const ageBuckets = [
  ['under 1 h', 0, hour],
  ['1–24 h', hour, 24 * hour],
  ['over 24 h', 24 * hour, Infinity],
] as const;

export function QueuePage() {
  useTitle('Review queue');
  const { user } = useSession();
  const { route } = useLocation();
  const now = useNow(30_000);
  const [filters, setFilters] = useState({ status: '', priority: '', skill: '', kind: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const queue = useLoad(() => {
    const query = new URLSearchParams({ limit: '200', ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) });
    return api<ReviewQueue>(`/reviews?${query}`);
  }, [filters.status, filters.priority, filters.skill, filters.kind]);

  const act = async (review: ReviewQueueItem, action: 'claim' | 'release') => {
    setError(null);
    try {
      await api<Review>(`/reviews/${review.id}/${action}`, { method: 'POST' });
      if (action === 'claim') route(`${base}/reviews/${review.submissionId}`);
      else await queue.reload();
    } catch (e) {
      setError(asApiError(e));
      await queue.reload();
    }
  };
  const items = queue.data?.items ?? [];
  const waited = items.map((r) => now - new Date(r.createdAt).getTime());
  const overdue = items.filter((r) => new Date(r.dueAt).getTime() < now).length;
  const filter = (name: keyof typeof filters, options: string[], text = label(name)) => (
    <FilterSelect
      text={text}
      value={filters[name]}
      options={options}
      onChange={(value) => setFilters({ ...filters, [name]: value })}
      any={name === 'status' ? 'Open and claimed' : 'Any'}
    />
  );

  return (
    <section>
      <div class="title-row">
        <h1>Review queue</h1>
        <button type="button" class="secondary" onClick={() => void queue.reload()}>
          Refresh
        </button>
      </div>
      {queue.data && (
        <dl class="stats" aria-label="Queue counts">
          {(['high', 'medium', 'low'] as const).map((p) => (
            <div key={p} class={`stat priority-${p}`}>
              <dt>{label(p)} priority</dt>
              <dd data-testid={`count-${p}`}>{queue.data!.counts[p]}</dd>
            </div>
          ))}
          {ageBuckets.map(([name, from, to]) => (
            <div key={name} class="stat">
              <dt>Waiting {name}</dt>
              <dd>{waited.filter((ms) => ms >= from && ms < to).length}</dd>
            </div>
          ))}
          <div class={`stat${overdue ? ' overdue' : ''}`}>
            <dt>Past due</dt>
            <dd>{overdue}</dd>
          </div>
        </dl>
      )}
      <div class="filters">
        {filter('status', ['open', 'claimed', 'completed'])}
        {filter('priority', ['high', 'medium', 'low'])}
        {filter('skill', ['writing', 'speaking'])}
        {filter('kind', ['first', 'second', 'adjudication', 'appeal'], 'Marking')}
      </div>
      <ProblemAlert error={error ?? queue.error} />
      {!queue.data ? (
        !queue.error && <Loading what="the queue" />
      ) : items.length === 0 ? (
        <p>Nothing to review. Well done.</p>
      ) : (
        <ul class="queue" aria-label="Reviews">
          {items.map((r) => {
            const dueIn = new Date(r.dueAt).getTime() - now;
            const mine = r.claimedBy === user.id && r.status === 'claimed';
            const claimable = mayClaim(user.role, r.kind);
            return (
              <li key={r.id} class={`review-item priority-${r.priority}`} data-testid="review-item" data-submission={r.submissionId} data-kind={r.kind}>
                <div class="review-main">
                  <span class={`badge priority-${r.priority}`}>{label(r.priority)}</span> <KindBadge kind={r.kind} />{' '}
                  <strong>
                    {label(r.skill)} · {label(r.task)}
                  </strong>
                  {r.wordCount != null && <span class="muted"> · {r.wordCount} words</span>}
                  <div class="muted">
                    Waiting {duration(now - new Date(r.createdAt).getTime())} ·{' '}
                    {dueIn < 0 ? <span class="overdue">{duration(dueIn)} past due</span> : `due in ${duration(dueIn)}`}
                  </div>
                  <div class="reasons">{r.reasons.map((reason) => <span key={reason} class="tag">{label(reason)}</span>)}</div>
                  {r.status !== 'completed' && <Lease claimedBy={r.claimedBy} leaseExpiresAt={r.leaseExpiresAt} me={user.id} />}
                </div>
                <div class="actions">
                  {claimable && r.status !== 'completed' && !mine && (
                    <button type="button" onClick={() => void act(r, 'claim')}>
                      Claim<span class="sr-only"> {label(r.kind).toLowerCase()} of {label(r.task)}</span>
                    </button>
                  )}
                  {marks(user.role) && !claimable && r.status !== 'completed' && <span class="muted small">For a senior grader</span>}
                  {mine && (
                    <>
                      <a class="button" href={`${base}/reviews/${r.submissionId}`}>
                        Continue
                      </a>
                      <button type="button" class="secondary" onClick={() => void act(r, 'release')}>
                        Release
                      </button>
                    </>
                  )}
                  {(user.role === 'admin' || r.status === 'completed') && (
                    <a href={`${base}/submissions/${r.submissionId}`}>View</a>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
