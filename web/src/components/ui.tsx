// Small shared pieces: problem alerts, status badges, the result table.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import type { ApiError } from '../lib/api.ts';
import { label, score } from '../lib/format.ts';
import type { Marking, Result, ResultSource, ReviewKind, Status } from '../lib/types.ts';

export function ProblemAlert({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div class="alert alert-error" role="alert">
      <strong>{error.title}</strong>
      {error.detail && <p>{error.detail}</p>}
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li key={e.field}>
              <code>{e.field.replace(/^body\./, '')}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ComponentChildren; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div class={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}

/** A table's header row: one column header per name. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function StatusBadge({ status }: { status: Status }) {
  return <span class={`badge status-${status}`}>{label(status)}</span>;
}

/** Staff only: the answer arrived after its sitting closed for the candidate (within the grace period). */
export function LateNotice() {
  return (
    <p class="late" data-testid="late">
      <span class="badge status-failed">Late</span> Arrived after the candidate’s time was up, within the grace period.
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** Who made a result, as the student reads it. */
export const sourceText: Record<ResultSource, string> = {
  ai: 'Graded automatically',
  human: 'Graded by a teacher',
  double_marked: 'Graded by two teachers',
  adjudicated: 'Graded by two teachers, decided by a senior grader',
  override: 'Changed by staff',
  appeal: 'Changed on appeal',
};

/** Which marking a review is: first, second, adjudication or appeal. */
export function KindBadge({ kind }: { kind: ReviewKind }) {
  return (
    <span class={`badge kind-${kind}`} data-testid="kind">
      {label(kind)}
    </span>
  );
}

/** How the result was reached: second-marked, adjudicated, changed on appeal, overridden. */
export function MarkingBadges({ marking }: { marking: Marking }) {
  const badges = [
    marking.secondMarked && 'Second-marked',
    marking.adjudicated && 'Adjudicated',
    marking.changedOnAppeal && 'Changed on appeal',
    marking.overridden && 'Overridden',
  ].filter((b): b is string => !!b);
  if (badges.length === 0) return null;
  return (
    <ul class="marking-badges" aria-label="How this result was reached" data-testid="marking">
      {badges.map((b) => (
        <li key={b} class="badge marking">
          {b}
        </li>
      ))}
    </ul>
  );
}

export function ResultView({ result, heading = 'Result' }: { result: Result; heading?: string }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} class="card" data-testid={heading === 'AI draft' ? 'ai-draft' : 'result'}>
      <h2 id={headingId}>{heading}</h2>
      <p class="overall">
        <span class="big" data-testid="overall">
          {score(result.overall)}
        </span>
        <span>
          Level <strong data-testid="level">{result.level ?? 'below B1'}</strong>
          <br />
          <span class="muted">{sourceText[result.source] ?? 'Graded automatically'}</span>
          {result.version > 1 && <span class="muted"> · version {result.version}</span>}
        </span>
      </p>
      {result.uncertainty && (
        <p class="muted" data-testid="calibration">
          Within ±1.0 of a trained marker: {Math.round((result.confidence ?? 0) * 100)}% likely (calibrated);{' '}
          {Math.round(result.uncertainty.interval.level * 100)}% interval {score(result.uncertainty.interval.low)}–{score(result.uncertainty.interval.high)}
        </p>
      )}
      <div class="table-wrap">
      <table class="criteria">
        <caption class="sr-only">Scores per criterion</caption>
        <TableHead columns={['Criterion', 'Score', 'Feedback']} />
        <tbody>
          {Object.entries(result.criteria).map(([name, c]) => (
            <tr key={name}>
              <th scope="row">{label(name)}</th>
              <td class="num">
                {score(c.score)}
                {c.estimated && <abbr title="estimated from indirect evidence">*</abbr>}
              </td>
              <td>
                {c.feedback}
                {c.evidence && c.evidence.length > 0 && (
                  <ul class="evidence">
                    {c.evidence.map((quote, i) => (
                      <li key={i}>
                        <q>{quote}</q>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {result.feedback && <p class="feedback">{result.feedback}</p>}
    </section>
  );
}

/** A list filter: a labelled select of `options` (shown by their labels) with an "any" choice. */
export function FilterSelect({ text, value, options, onChange, any = 'Any' }: { text: string; value: string; options: readonly string[]; onChange: (value: string) => void; any?: string }) {
  return (
    <label>
      {text}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {label(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The end of a paged list: why the last page failed, and a button for the next one while there is one. */
export function LoadMore({ next, onMore, error }: { next: string | null; onMore: () => void; error: ApiError | null }) {
  return (
    <>
      <ProblemAlert error={error} />
      {next && (
        <button type="button" class="secondary" onClick={onMore}>
          Load more
        </button>
      )}
    </>
  );
}
