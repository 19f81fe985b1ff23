// A writing task: the prompt, the essay with a live word count against the task's minimum.
import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ModeField } from '../components/mode-field.tsx';
import { ProblemAlert } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { label } from '../lib/format.ts';
import { asApiError, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import { wordMinimum, words } from '../lib/shared.ts';
import type { Mode, Submission } from '../lib/types.ts';

const samplePrompts = {
  task1:
    'You received an email from your English friend, Jane, asking about your plans for the summer holiday. Write a reply to Jane: tell her where you will go, who you will go with and what you will do there.',
  task2:
    'Some people think that students should study online at home instead of going to school. To what extent do you agree or disagree? Give reasons and examples to support your opinion.',
} as const;

type WritingTask = keyof typeof samplePrompts;

export function WritingPage() {
  useTitle('New writing task');
  const { route } = useLocation();
  const [task, setTask] = useState<WritingTask>('task2');
  const [prompt, setPrompt] = useState<string>(samplePrompts.task2);
  const [text, setText] = useState('');
  const [mode, setMode] = useState<Mode>('auto');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per draft: a double click or a retry after a lost answer cannot submit it twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const count = useMemo(() => words(text).length, [text]);
  const minimum = wordMinimum[task];

  const chooseTask = (next: WritingTask) => {
    if (prompt === samplePrompts[task]) setPrompt(samplePrompts[next]);
    setTask(next);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<Submission>('/submissions', {
        method: 'POST',
        json: { skill: 'writing', task, prompt, text, mode },
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      route(`${base}/submissions/${created.id}`);
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>New writing task</h1>
      <form onSubmit={submit} class="stack">
        <ProblemAlert error={error} />
        <fieldset class="modes">
          <legend>Task</legend>
          {(['task1', 'task2'] as const).map((t) => (
            <label key={t} class="choice">
              <input type="radio" name="task" value={t} checked={task === t} onChange={() => chooseTask(t)} />
              {label(t)} · at least {wordMinimum[t]} words
            </label>
          ))}
        </fieldset>
        <label for="prompt">Prompt</label>
        <textarea id="prompt" rows={3} required maxLength={4000} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
        <label for="essay">Your answer</label>
        <textarea
          id="essay"
          rows={16}
          required
          maxLength={20000}
          aria-describedby="word-count"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <p id="word-count" class={count >= minimum ? 'ok' : 'short'} aria-live="polite">
          {count} / {minimum} words{count < minimum ? ` · ${minimum - count} more to reach the minimum` : ' · minimum reached'}
        </p>
        <ModeField value={mode} onChange={setMode} />
        <button type="submit" disabled={busy || text.trim() === ''}>
          {busy ? 'Submitting…' : 'Submit for grading'}
        </button>
      </form>
    </section>
  );
}
