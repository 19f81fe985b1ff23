// A student's attempt at a sitting: the form's tasks in order, one at a time, each with its
// prompt exactly as authored and its questions, answered by essay or recording (sent with the
// task's and the attempt's ids). Which tasks are answered comes from GET /attempts/:id; the
// countdown runs to the attempt's due time, and a refusal for lateness (409) is explained.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { TaskAnswerForm, TaskPrompt } from '../components/task-answer.tsx';
import { Loading, Notice, ProblemAlert, StatusBadge } from '../components/ui.tsx';
import { api, ApiError } from '../lib/api.ts';
import { countdown, dateTime, label } from '../lib/format.ts';
import { useLoad, useNow, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import type { Attempt, AttemptTaskResult, Sitting, SittingTask, Submission } from '../lib/types.ts';

const answerOf = (attempt: Attempt, t: SittingTask): AttemptTaskResult | null => attempt.skills[t.skill].tasks[t.task] ?? null;

export function AttemptPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const now = useNow();
  const loaded = useLoad(async () => {
    const attempt = await api<Attempt>(`/attempts/${id}`);
    const sitting = attempt.sittingId ? await api<Sitting>(`/sittings/${attempt.sittingId}`) : null;
    return { attempt, sitting };
  }, [id]);
  const [current, setCurrent] = useState<number | null>(null);
  const [saved, setSaved] = useState<{ title: string; submissionId: string } | null>(null);
  const headings = useRef<Array<HTMLHeadingElement | null>>([]);
  const focusNext = useRef(false);
  useTitle(loaded.data?.sitting?.title ?? 'Attempt');

  const data = loaded.data;
  const tasks = data?.sitting?.tasks ?? [];
  const firstOpen = data ? tasks.findIndex((t) => !answerOf(data.attempt, t)) : -1;
  const step = current ?? Math.max(firstOpen, 0);
  // After an answer the next task is shown: move focus to its heading so it is read out.
  useEffect(() => {
    if (focusNext.current) {
      focusNext.current = false;
      headings.current[step]?.focus();
    }
  }, [step, data]);

  if (!data) return loaded.error ? <ProblemAlert error={loaded.error} /> : <Loading what="your attempt" />;
  const { attempt, sitting } = data;
  if (!sitting) {
    return (
      <section>
        <h1>{attempt.title ?? 'Practice attempt'}</h1>
        <Notice>This attempt is not at a sitting. Its answers are in <a href={`${base}/submissions`}>your submissions</a>.</Notice>
      </section>
    );
  }

  const dueAt = Date.parse(attempt.dueAt ?? sitting.closesAt);
  const timeUp = now >= dueAt;
  const answered = tasks.filter((t) => answerOf(attempt, t)).length;
  const explain = (e: ApiError) =>
    e.status !== 409 ? e : new ApiError(409, Date.now() >= dueAt ? 'Time is up: your answer was not accepted' : 'Your answer was not accepted', e.detail);
  const onCreated = (task: SittingTask) => (created: Submission) => {
    setSaved({ title: task.title, submissionId: created.id });
    const next = tasks.findIndex((t, i) => i !== tasks.indexOf(task) && !answerOf(attempt, t));
    focusNext.current = next >= 0;
    if (next >= 0) setCurrent(next);
    void loaded.reload();
  };

  return (
    <section>
      <div class="title-row">
        <h1>{sitting.title}</h1>
        <a href={`${base}/sittings`}>All sittings</a>
      </div>
      <p class={`countdown${timeUp ? ' overdue' : ''}`} role="timer" data-testid="attempt-countdown">
        {timeUp ? `Time is up (${dateTime(new Date(dueAt).toISOString())}).` : `Time left: ${countdown(dueAt - now)}`}
      </p>
      <p class="muted">
        Answered {answered} of {tasks.length} · due <time dateTime={new Date(dueAt).toISOString()}>{dateTime(new Date(dueAt).toISOString())}</time>
      </p>
      {timeUp && answered < tasks.length && (
        <Notice tone="warning">Your time for this sitting is over. Answers are accepted only for a short grace period after it.</Notice>
      )}
      {saved && answered < tasks.length && (
        <Notice tone="success">
          Your answer to “{saved.title}” is saved and being graded. <a href={`${base}/submissions/${saved.submissionId}`}>See it</a>.
        </Notice>
      )}
      {answered === tasks.length && (
        <Notice tone="success">
          You have answered every task. Results appear in <a href={`${base}/submissions`}>your submissions</a> as they are graded.
        </Notice>
      )}
      <nav aria-label="Tasks of this sitting">
        <ol class="steps">
          {tasks.map((t, i) => {
            const answer = answerOf(attempt, t);
            return (
              <li key={t.id}>
                <button type="button" class={i === step ? 'step current' : 'step'} aria-current={i === step ? 'step' : undefined} onClick={() => setCurrent(i)}>
                  <span>
                    {i + 1}. {t.title}
                  </span>
                  <span class={answer ? 'ok' : 'muted'} data-testid="step-state">
                    {answer ? 'Answered' : 'Not answered'}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      {tasks.map((t, i) => {
        const answer = answerOf(attempt, t);
        const headingId = `task-${t.id}`;
        return (
          <section key={t.id} class="card task-step" hidden={i !== step} aria-labelledby={headingId} data-testid="task-step">
            <h2 id={headingId} tabIndex={-1} ref={(el) => void (headings.current[i] = el)}>
              Task {i + 1} of {tasks.length}: {t.title}
            </h2>
            <p class="muted">
              {label(t.skill)} · {label(t.task)}
            </p>
            <TaskPrompt task={t} />
            {answer ? (
              <p class="answered">
                Answered · <StatusBadge status={answer.status} /> · <a href={`${base}/submissions/${answer.submissionId}`}>View your answer</a>
              </p>
            ) : (
              <TaskAnswerForm
                task={t}
                attemptId={attempt.id}
                onCreated={onCreated(t)}
                explain={explain}
                onConflict={() => void loaded.reload()}
              />
            )}
            <div class="actions step-nav">
              {i > 0 && (
                <button type="button" class="secondary" onClick={() => setCurrent(i - 1)}>
                  Previous task
                </button>
              )}
              {i < tasks.length - 1 && (
                <button type="button" class="secondary" onClick={() => setCurrent(i + 1)}>
                  Next task
                </button>
              )}
            </div>
          </section>
        );
      })}
    </section>
  );
}
