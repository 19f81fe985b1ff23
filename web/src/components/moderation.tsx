// After a result: the appeal (the student's, and how it was decided), the result's versions, and
// a senior's or admin's override. Shared by the submission page for students and for staff.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from '../lib/api.ts';
import { dateTime, label, score } from '../lib/format.ts';
import { asApiError } from '../lib/hooks.ts';
import type { Appeal, Result, ResultOverride, Submission, SubmissionDetail } from '../lib/types.ts';
import { ScoreForm } from './score-form.tsx';
import { Notice, ProblemAlert, sourceText, TableHead } from './ui.tsx';

const appealStatusText: Record<Appeal['status'], string> = {
  open: 'Open: a senior grader who did not mark your answer is deciding it.',
  upheld: 'Upheld: the result stays as it was.',
  changed: 'Changed: the result was changed on appeal.',
};

/** The appeal of a result: its status, the student's reason and the senior's answer. */
export function AppealView({ appeal, student }: { appeal: Appeal; student: boolean }) {
  const headingId = useId();
  return (
    <section class="card" aria-labelledby={headingId} data-testid="appeal">
      <div class="title-row">
        <h2 id={headingId}>{student ? 'Your appeal' : 'The appeal'}</h2>
        <span class={`badge appeal-${appeal.status}`} data-testid="appeal-status">
          {label(appeal.status)}
        </span>
      </div>
      <p>{student ? appealStatusText[appeal.status] : `${label(appeal.status)} · result version ${appeal.appealedVersion} appealed`}</p>
      <dl class="pairs">
        <dt>Reason</dt>
        <dd data-testid="appeal-reason">{appeal.reason}</dd>
        <dt>Appealed</dt>
        <dd>
          <time dateTime={appeal.createdAt}>{dateTime(appeal.createdAt)}</time>
        </dd>
        {appeal.decidedAt && (
          <>
            <dt>Decided</dt>
            <dd>
              <time dateTime={appeal.decidedAt}>{dateTime(appeal.decidedAt)}</time>
              {appeal.resultVersion !== null && ` · result version ${appeal.resultVersion}`}
            </dd>
            <dt>{student ? 'The senior grader’s answer' : 'Response'}</dt>
            <dd data-testid="appeal-response">{appeal.response || <span class="muted">No answer given.</span>}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The student's "Appeal this result", while the window is open: a reason, then the appeal, open. */
export function AppealForm({ submission, onAppealed }: { submission: Submission; onAppealed: (appeal: Appeal) => void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (open) field.current?.focus();
  }, [open]);
  const until = submission.marking.appealOpenUntil;
  if (!until) return null;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onAppealed(await api<Appeal>(`/submissions/${submission.id}/appeals`, { method: 'POST', json: { reason: reason.trim() } }));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Think the result is wrong?</h2>
      <p data-testid="appeal-deadline">
        You can appeal this result once, until <time dateTime={until}>{dateTime(until)}</time>. A senior grader who did not mark your answer looks at it
        again and either keeps the result or changes it.
      </p>
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          Appeal this result
        </button>
      ) : (
        <form class="stack" onSubmit={(e) => void submit(e)}>
          <ProblemAlert error={error} />
          <label for={`${id}-reason`}>Why do you think the result is wrong?</label>
          <textarea
            id={`${id}-reason`}
            ref={field}
            rows={4}
            required
            maxLength={2000}
            aria-describedby={`${id}-hint`}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <span id={`${id}-hint`} class="muted small">
            Say which criteria you think were marked wrongly, and why. You can appeal only once.
          </span>
          <div class="actions">
            <button type="submit" disabled={busy || reason.trim() === ''}>
              {busy ? 'Sending…' : 'Send the appeal'}
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Staff: every final version of the result, oldest first, with where it came from and why. */
export function ResultHistory({ history }: { history: Result[] }) {
  const headingId = useId();
  if (history.length === 0) return null;
  return (
    <section class="card" aria-labelledby={headingId} data-testid="result-history">
      <h2 id={headingId}>Result history</h2>
      <div class="table-wrap">
        <table>
          <TableHead columns={['Version', 'Source', 'Overall', 'Reason', 'Made']} />
          <tbody>
            {history.map((r) => (
              <tr key={r.version}>
                <td class="num">{r.version}</td>
                <td>{sourceText[r.source] ?? label(r.source)}</td>
                <td class="num">
                  {score(r.overall)} ({r.level ?? 'below B1'})
                </td>
                <td>{r.reason ?? <span class="muted">–</span>}</td>
                <td>
                  <time dateTime={r.gradedAt}>{dateTime(r.gradedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A senior's or admin's override of a completed result: new scores and the reason, as a new version. */
export function OverrideForm({ submission, onDone }: { submission: SubmissionDetail; onDone: () => void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const result = submission.result;
  if (!result || submission.status !== 'completed') return null;

  const override = async (decision: Omit<ResultOverride, 'reason'>) => {
    setBusy(true);
    setError(null);
    try {
      const after = await api<Submission>(`/submissions/${submission.id}/override`, { method: 'POST', json: { ...decision, reason: reason.trim() } });
      setDone(`The result is now version ${after.result?.version ?? '?'}: overall ${score(after.result?.overall)}.`);
      setOpen(false);
      setReason('');
      onDone();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="override">
      {done && <Notice tone="success">{done}</Notice>}
      <ProblemAlert error={error} />
      {!open ? (
        <button type="button" class="secondary" onClick={() => (setOpen(true), setDone(null))}>
          Override result
        </button>
      ) : (
        <ScoreForm
          key={result.version}
          skill={submission.skill}
          draft={result}
          disabled={false}
          busy={busy}
          onComplete={(decision) => void override(decision)}
          heading="Override the result"
          submitText="Override result"
          busyText="Overriding…"
          confirmHeading="Override this result?"
          confirmButton="Yes, override"
          confirm={(s) => (
            <>
              The result becomes version {result.version + 1}, overall <strong>{score(s.overall)}</strong> ({s.level}), instead of {score(result.overall)}. The
              student sees it at once; version {result.version} is kept.
            </>
          )}
        >
          <label for={`${id}-reason`}>Reason for the override</label>
          <textarea id={`${id}-reason`} rows={3} required maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </ScoreForm>
      )}
    </div>
  );
}
