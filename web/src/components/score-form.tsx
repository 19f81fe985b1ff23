// A person's scores: one per criterion on the 0.5 grid, feedback, and the overall and level
// computed live with the platform's own arithmetic. The review screen's marks and decisions and
// the override of a result all use it; the texts around the scores say which it is.
import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { label, score } from '../lib/format.ts';
import { criteriaFor, isValidScore, levelFor, overallScore } from '../lib/shared.ts';
import type { Result, ReviewDecision, Skill } from '../lib/types.ts';

/** The scores as they stand, once every criterion has a valid one. */
export interface Scored {
  criteria: Record<string, number>;
  overall: number;
  level: string;
}

interface Props {
  skill: Skill;
  /** What the form starts from: the AI draft, or the result under appeal or override. */
  draft: Result | null | undefined;
  disabled: boolean;
  busy: boolean;
  onComplete: (decision: ReviewDecision) => void;
  heading?: string;
  submitText?: string;
  busyText?: string;
  feedbackLabel?: string;
  /** false: the overall feedback starts empty even when the draft has some. */
  prefillFeedback?: boolean;
  confirmHeading?: string;
  confirmButton?: string;
  /** The confirmation's text, for the scores as they are. */
  confirm?: (scored: Scored) => ComponentChildren;
  /** Said live under the overall: what these scores would do. */
  verdict?: (scored: Scored | null) => ComponentChildren;
  /** More fields, after the scores (an override's reason). */
  children?: ComponentChildren;
}

const levelText = (overall: number) => levelFor(overall) ?? 'below B1';

export function ScoreForm({
  skill,
  draft,
  disabled,
  busy,
  onComplete,
  heading = 'Your scores',
  submitText = 'Complete review',
  busyText = 'Completing…',
  feedbackLabel = 'Overall feedback',
  prefillFeedback = true,
  confirmHeading = 'Complete this review?',
  confirmButton = 'Yes, complete',
  confirm = ({ overall, level }) => (
    <>
      The student will get overall <strong>{score(overall)}</strong> ({level}). This is final.
    </>
  ),
  verdict,
  children,
}: Props) {
  const id = useId();
  const names = criteriaFor[skill];
  const [scores, setScores] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((n) => [n, draft?.criteria[n] ? String(draft.criteria[n].score) : ''])),
  );
  const [feedback, setFeedback] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((n) => [n, draft?.criteria[n]?.feedback ?? ''])),
  );
  const [overallFeedback, setOverallFeedback] = useState(prefillFeedback ? (draft?.feedback ?? '') : '');
  const dialog = useRef<HTMLDialogElement>(null);

  const parsed = Object.fromEntries(names.map((n) => [n, scores[n] === '' ? NaN : Number(scores[n])]));
  const invalid = names.filter((n) => !isValidScore(parsed[n]!));
  const overall = invalid.length === 0 ? overallScore(Object.fromEntries(names.map((n) => [n, { score: parsed[n]! }]))) : null;
  const scored: Scored | null = overall === null ? null : { criteria: parsed as Record<string, number>, overall, level: levelText(overall) };

  const decision = (): ReviewDecision => ({
    // Exactly the skill's criteria, as the API takes them.
    criteria: Object.fromEntries(
      names.map((n) => [n, { score: parsed[n]!, ...(feedback[n]?.trim() ? { feedback: feedback[n]!.trim() } : {}) }]),
    ) as ReviewDecision['criteria'],
    ...(overallFeedback.trim() ? { feedback: overallFeedback.trim() } : {}),
  });

  return (
    <form
      class="card score-form"
      aria-labelledby={`${id}-heading`}
      onSubmit={(e) => {
        e.preventDefault();
        if (overall !== null) dialog.current?.showModal();
      }}
    >
      <h2 id={`${id}-heading`}>{heading}</h2>
      <fieldset disabled={disabled}>
        {names.map((n) => {
          const bad = scores[n] !== '' && !isValidScore(parsed[n]!);
          return (
            <div key={n} class="criterion">
              <label for={`${id}-score-${n}`}>{label(n)}</label>
              <input
                id={`${id}-score-${n}`}
                name={n}
                type="number"
                inputMode="decimal"
                min={0}
                max={10}
                step={0.5}
                required
                value={scores[n]}
                aria-invalid={bad}
                aria-describedby={bad ? `${id}-score-${n}-error` : undefined}
                onInput={(e) => setScores({ ...scores, [n]: e.currentTarget.value })}
              />
              {bad && (
                <span id={`${id}-score-${n}-error`} class="short">
                  Use 0 to 10 in steps of 0.5.
                </span>
              )}
              <label for={`${id}-feedback-${n}`} class="sr-only">
                Feedback on {label(n)}
              </label>
              <textarea
                id={`${id}-feedback-${n}`}
                rows={2}
                maxLength={2000}
                placeholder={`Feedback on ${label(n).toLowerCase()}`}
                value={feedback[n]}
                onInput={(e) => setFeedback({ ...feedback, [n]: e.currentTarget.value })}
              />
            </div>
          );
        })}
        <label for={`${id}-overall-feedback`}>{feedbackLabel}</label>
        <textarea id={`${id}-overall-feedback`} rows={3} maxLength={4000} value={overallFeedback} onInput={(e) => setOverallFeedback(e.currentTarget.value)} />
        {children}
      </fieldset>
      <div aria-live="polite">
        <p class="overall">
          Overall <span class="big" data-testid="live-overall">{score(overall)}</span> Level{' '}
          <strong data-testid="live-level">{scored ? scored.level : '–'}</strong>
        </p>
        {verdict && <div data-testid="verdict">{verdict(scored)}</div>}
      </div>
      <button type="submit" disabled={disabled || busy || overall === null}>
        {busy ? busyText : submitText}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-confirm-heading`} class="confirm">
        <h2 id={`${id}-confirm-heading`}>{confirmHeading}</h2>
        <p>{scored && confirm(scored)}</p>
        <div class="actions">
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
              onComplete(decision());
            }}
          >
            {confirmButton}
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Go back
          </button>
        </div>
      </dialog>
    </form>
  );
}
