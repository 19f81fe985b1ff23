// Operations on a submission's workflow: its page in the Temporal Web UI, and the admin's re-drive.
import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../lib/api.ts';
import { asApiError } from '../lib/hooks.ts';
import { loadSettings, workflowUrl } from '../lib/settings.ts';
import type { Submission } from '../lib/types.ts';
import { ProblemAlert } from './ui.tsx';

export function WorkflowLink({ workflowId }: { workflowId: string }) {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    void loadSettings().then((s) => setHref(s && workflowUrl(s, workflowId)));
  }, [workflowId]);
  if (!href) return <code class="muted">{workflowId}</code>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      Workflow in Temporal<span class="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

export function RedriveButton({ submission, onDone }: { submission: Submission; onDone: (s: Submission) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const redrive = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await api<Submission>(`/admin/submissions/${submission.id}/retry`, { method: 'POST' }));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="redrive">
      <button type="button" onClick={() => void redrive()} disabled={busy} aria-describedby={`redrive-${submission.id}`}>
        {busy ? 'Re-driving…' : 'Re-drive'}
      </button>
      <span id={`redrive-${submission.id}`} class="sr-only">
        Start grading submission {submission.id} again
      </span>
      <ProblemAlert error={error} />
    </span>
  );
}
