// Failed submissions with their reason, a re-drive button and the workflow in the Temporal Web UI.
import { useState } from 'preact/hooks';
import { Loading, Notice, ProblemAlert, TableHead } from '../components/ui.tsx';
import { RedriveButton, WorkflowLink } from '../components/workflow.tsx';
import { api } from '../lib/api.ts';
import { dateTime, label } from '../lib/format.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import type { Submission } from '../lib/types.ts';

export function FailedPage() {
  useTitle('Failed submissions');
  const failed = useLoad(() => api<{ items: Submission[] }>('/submissions?status=failed&limit=100'), []);
  const [redriven, setRedriven] = useState<string[]>([]);
  const items = failed.data?.items.filter((s) => !redriven.includes(s.id)) ?? [];

  return (
    <section>
      <div class="title-row">
        <h1>Failed submissions</h1>
        <button type="button" class="secondary" onClick={() => void failed.reload()}>
          Refresh
        </button>
      </div>
      <ProblemAlert error={failed.error} />
      {redriven.length > 0 && <Notice tone="success">Re-driven: {redriven.length}. They are being graded again.</Notice>}
      {!failed.data ? (
        !failed.error && <Loading what="failed submissions" />
      ) : items.length === 0 ? (
        <p>No failed submissions.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead columns={['Submitted', 'Task', 'Reason', 'Actions']} />
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={`${base}/submissions/${s.id}`}>{dateTime(s.createdAt)}</a>
                  </td>
                  <td>
                    {label(s.skill)} · {label(s.task)}
                  </td>
                  <td>{s.failureReason ?? 'not recorded'}</td>
                  <td>
                    <div class="actions">
                      <RedriveButton submission={s} onDone={() => setRedriven((list) => [...list, s.id])} />
                      <WorkflowLink workflowId={s.workflowId} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
