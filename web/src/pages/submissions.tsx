// A student's submissions (staff: everyone's), newest first, with status and overall score.
import { useRef, useState } from 'preact/hooks';
import { Loading, ProblemAlert, StatusBadge, TableHead } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { dateTime, label, score } from '../lib/format.ts';
import { asApiError, useLoad, useTitle } from '../lib/hooks.ts';
import { base, useSession } from '../lib/session.ts';
import { useFreePractice } from '../lib/settings.ts';
import type { SubmissionPage as Page } from '../lib/types.ts';

export function SubmissionsPage() {
  const { user } = useSession();
  const freePractice = useFreePractice();
  useTitle('Submissions');
  const [status, setStatus] = useState('');
  const [skill, setSkill] = useState('');
  const [pages, setPages] = useState<Page[]>([]);
  const currentFilters = useRef('');
  currentFilters.current = `${status}|${skill}`;
  const query = (cursor?: string) =>
    `/submissions?${new URLSearchParams({ limit: '20', ...(status && { status }), ...(skill && { skill }), ...(cursor && { cursor }) })}`;
  const first = useLoad(() => api<Page>(query()).then((p) => (setPages([]), p)), [status, skill]);
  const all = [...(first.data ? [first.data] : []), ...pages];
  const next = all[all.length - 1]?.nextCursor;
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const loadMore = async (cursor: string) => {
    const filters = `${status}|${skill}`;
    setLoadingMore(true);
    try {
      const page = await api<Page>(query(cursor));
      // A page asked for under other filters belongs to a list no longer shown.
      if (filters === currentFilters.current) setPages((list) => [...list, page]);
      setMoreError(null);
    } catch (e) {
      setMoreError(asApiError(e));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section>
      <div class="title-row">
        <h1>{user.role === 'student' ? 'Your submissions' : 'Submissions'}</h1>
        {user.role === 'student' && (
          <div class="actions">
            <a class="button" href={`${base}/tasks`}>
              Practice tasks
            </a>
            {freePractice && (
              <>
                <a class="button secondary" href={`${base}/submissions/new/writing`}>
                  New writing
                </a>
                <a class="button secondary" href={`${base}/submissions/new/speaking`}>
                  New speaking
                </a>
              </>
            )}
          </div>
        )}
      </div>
      <div class="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Any</option>
            {['pending', 'processing', 'review_pending', 'completed', 'failed'].map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Skill
          <select value={skill} onChange={(e) => setSkill(e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="writing">Writing</option>
            <option value="speaking">Speaking</option>
          </select>
        </label>
      </div>
      <ProblemAlert error={first.error} />
      {first.loading && !first.data ? (
        <Loading what="submissions" />
      ) : all.every((p) => p.items.length === 0) ? (
        <p>No submissions yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead columns={['Submitted', 'Task', 'Status', 'Score']} />
            <tbody>
              {all.flatMap((p) => p.items).map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={`${base}/submissions/${s.id}`}>{dateTime(s.createdAt)}</a>
                  </td>
                  <td>
                    {label(s.skill)} · {label(s.task)}
                  </td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td class="num">
                    {s.result ? `${score(s.result.overall)} (${s.result.level ?? 'below B1'})` : '–'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ProblemAlert error={moreError} />
      {next && (
        <button type="button" class="secondary" disabled={loadingMore} onClick={() => void loadMore(next)}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
