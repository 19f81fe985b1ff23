// The grader's decision: a score per criterion on the 0.5 grid, feedback, and the overall and level
// computed live with the platform's own arithmetic.
import { useRef, useState } from 'preact/hooks';
import { label, score } from '../lib/format.ts';
import { criteriaFor, isValidScore, levelFor, overallScore } from '../lib/shared.ts';
import type { Result, ReviewDecision, Skill } from '../lib/types.ts';

interface Props {
  skill: Skill;
  draft: Result | null | undefined;
  disabled: boolean;
  busy: boolean;
  onComplete: (decision: ReviewDecision) => void;
}

export function ScoreForm({ skill, draft, disabled, busy, onComplete }: Props) {
  const names = criteriaFor[skill];
  const [scores, setScores] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((n) => [n, draft?.criteria[n] ? String(draft.criteria[n].score) : ''])),
  );
  const [feedback, setFeedback] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((n) => [n, draft?.criteria[n]?.feedback ?? ''])),
  );
  const [overallFeedback, setOverallFeedback] = useState(draft?.feedback ?? '');
  const dialog = useRef<HTMLDialogElement>(null);

  const parsed = Object.fromEntries(names.map((n) => [n, scores[n] === '' ? NaN : Number(scores[n])]));
  const invalid = names.filter((n) => !isValidScore(parsed[n]!));
  const overall = invalid.length === 0 ? overallScore(Object.fromEntries(names.map((n) => [n, { score: parsed[n]! }]))) : null;
  const level = overall === null ? null : levelFor(overall);

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
      aria-labelledby="score-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (overall !== null) dialog.current?.showModal();
      }}
    >
      <h2 id="score-heading">Your scores</h2>
      <fieldset disabled={disabled}>
        {names.map((n) => {
          const bad = scores[n] !== '' && !isValidScore(parsed[n]!);
          return (
            <div key={n} class="criterion">
              <label for={`score-${n}`}>{label(n)}</label>
              <input
                id={`score-${n}`}
                name={n}
                type="number"
                inputMode="decimal"
                min={0}
                max={10}
                step={0.5}
                required
                value={scores[n]}
                aria-invalid={bad}
                aria-describedby={bad ? `score-${n}-error` : undefined}
                onInput={(e) => setScores({ ...scores, [n]: e.currentTarget.value })}
              />
              {bad && (
                <span id={`score-${n}-error`} class="short">
                  Use 0 to 10 in steps of 0.5.
                </span>
              )}
              <label for={`feedback-${n}`} class="sr-only">
                Feedback on {label(n)}
              </label>
              <textarea
                id={`feedback-${n}`}
                rows={2}
                maxLength={2000}
                placeholder={`Feedback on ${label(n).toLowerCase()}`}
                value={feedback[n]}
                onInput={(e) => setFeedback({ ...feedback, [n]: e.currentTarget.value })}
              />
            </div>
          );
        })}
        <label for="overall-feedback">Overall feedback</label>
        <textarea id="overall-feedback" rows={3} maxLength={4000} value={overallFeedback} onInput={(e) => setOverallFeedback(e.currentTarget.value)} />
      </fieldset>
      <p class="overall" aria-live="polite">
        Overall <span class="big" data-testid="live-overall">{score(overall)}</span> Level{' '}
        <strong data-testid="live-level">{overall === null ? '–' : (level ?? 'below B1')}</strong>
      </p>
      <button type="submit" disabled={disabled || busy || overall === null}>
        {busy ? 'Completing…' : 'Complete review'}
      </button>
      <dialog ref={dialog} aria-labelledby="confirm-heading" class="confirm">
        <h2 id="confirm-heading">Complete this review?</h2>
        <p>
          The student will get overall <strong>{score(overall)}</strong> ({level ?? 'below B1'}). This is final.
        </p>
        <div class="actions">
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
              onComplete(decision());
            }}
          >
            Yes, complete
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Go back
          </button>
        </div>
      </dialog>
    </form>
  );
}
