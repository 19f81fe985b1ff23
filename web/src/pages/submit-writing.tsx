// A writing task: the prompt, the essay with a live word count against the task's minimum.
import { useMemo, useState } from 'preact/hooks';
import { Choices } from '../components/choices.tsx';
import { ProblemAlert } from '../components/ui.tsx';
import { label } from '../lib/format.ts';
import { useTitle } from '../lib/hooks.ts';
import { wordMinimum, words } from '../lib/shared.ts';
import { useSubmitAnswer, useTaskPrompt } from '../lib/submit.ts';
import type { Mode } from '../lib/types.ts';

const samplePrompts = {
  task1:
    'You received an email from your English friend, Jane, asking about your plans for the summer holiday. Write a reply to Jane: tell her where you will go, who you will go with and what you will do there.',
  task2:
    'Some people think that students should study online at home instead of going to school. To what extent do you agree or disagree? Give reasons and examples to support your opinion.',
} as const;

export function WritingPage() {
  useTitle('New writing task');
  const { task, chooseTask, prompt, setPrompt } = useTaskPrompt(samplePrompts, 'task2');
  const [text, setText] = useState('');
  const [mode, setMode] = useState<Mode>('auto');
  const { error, busy, send } = useSubmitAnswer();
  // One key per draft: a double click or a retry after a lost answer cannot submit it twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const count = useMemo(() => words(text).length, [text]);
  const minimum = wordMinimum[task];

  const submit = (event: Event) => {
    event.preventDefault();
    void send({ json: { skill: 'writing', task, prompt, text, mode } }, idempotencyKey);
  };

  return (
    <section>
      <h1>New writing task</h1>
      <form onSubmit={submit} class="stack">
        <ProblemAlert error={error} />
        <Choices
          legend="Task"
          name="task"
          options={['task1', 'task2'] as const}
          value={task}
          onChange={chooseTask}
          describe={(t) => `${label(t)} · at least ${wordMinimum[t]} words`}
        />
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
        <p id="word-count" class={count >= minimum ? 'ok' : 'short'}>
          {count} / {minimum} words{count < minimum ? ` · ${minimum - count} more to reach the minimum` : ' · minimum reached'}
        </p>
        <Choices legend="Grading" name="mode" options={['auto', 'hybrid', 'human'] as const} value={mode} onChange={setMode} />
        <button type="submit" disabled={busy || text.trim() === ''}>
          {busy ? 'Submitting…' : 'Submit for grading'}
        </button>
      </form>
    </section>
  );
}
