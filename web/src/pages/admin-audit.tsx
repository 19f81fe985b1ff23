// The audit trail, for admins: who changed a mark, a result, a role or a grading, and when,
// newest first, a page at a time; filtered by action and by submission. What changed is shown
// as it was and as it became (compact JSON).
import { useState } from 'preact/hooks';
import { FilterSelect, LoadMore, Loading, ProblemAlert, TableHead } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { dateTime, label } from '../lib/format.ts';
import { usePages, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import { auditActions } from '../lib/shared.ts';
import type { AuditPage as Page } from '../lib/types.ts';


function Json({ value, redacted }: { value: unknown; redacted: boolean }) {
  if (redacted) return <span class="muted">redacted</span>;
  if (value === null || value === undefined) return <span class="muted">–</span>;
  return <code class="json">{JSON.stringify(value)}</code>;
}

export function AuditPage() {
  useTitle('Audit trail');
  const [action, setAction] = useState('');
  const [submissionId, setSubmissionId] = useState('');
  const [typed, setTyped] = useState('');
  const list = (cursor?: string) =>
    api<Page>(`/admin/audit?${new URLSearchParams({ limit: '50', ...(action && { action }), ...(submissionId && { submissionId }), ...(cursor && { cursor }) })}`);
  const { first, items, next, loadMore, moreError } = usePages(list, [action, submissionId]);

  return (
    <section>
      <div class="title-row">
        <h1>Audit trail</h1>
        <button type="button" class="secondary" onClick={() => void first.reload()}>
          Refresh
        </button>
      </div>
      <form
        class="filters"
        role="search"
        aria-label="Filter the audit trail"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmissionId(typed.trim());
        }}
      >
        <FilterSelect text="Action" value={action} options={auditActions} onChange={setAction} />
        <label>
          Submission id
          <input type="text" value={typed} spellcheck={false} autoComplete="off" placeholder="any" onInput={(e) => setTyped(e.currentTarget.value)} />
        </label>
        <div class="filter-button">
          <button type="submit" class="secondary">
            Filter
          </button>
        </div>
      </form>
      <ProblemAlert error={first.error} />
      {!first.data ? (
        !first.error && <Loading what="the audit trail" />
      ) : items.length === 0 ? (
        <p>No records match.</p>
      ) : (
        <div class="table-wrap">
          <table class="audit">
            <TableHead columns={['When', 'Action', 'Who', 'Submission', 'Subject', 'Before', 'After']} />
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-testid="audit-record" data-action={r.action}>
                  <td>
                    <time dateTime={r.at}>{dateTime(r.at)}</time>
                  </td>
                  <td>{label(r.action)}</td>
                  <td>{r.actorId ? <code class="id">{r.actorId}</code> : <span class="muted">the platform</span>}</td>
                  <td>
                    {r.submissionId ? (
                      <a href={`${base}/submissions/${r.submissionId}`}>
                        <code class="id">{r.submissionId}</code>
                      </a>
                    ) : (
                      <span class="muted">–</span>
                    )}
                  </td>
                  <td>{r.subjectId ? <code class="id">{r.subjectId}</code> : <span class="muted">–</span>}</td>
                  <td>
                    <Json value={r.before} redacted={r.redacted} />
                  </td>
                  <td>
                    <Json value={r.after} redacted={r.redacted} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore next={next} onMore={loadMore} error={moreError} />
    </section>
  );
}
