// Free writing practice: the student's own prompt, the essay with a live word count against the
// task's minimum. Marked in the platform's practice mode; only offered when free practice is on.
import { useState } from 'preact/hooks';
import { EssayField } from '../components/answer-fields.tsx';
import { Choices } from '../components/choices.tsx';
import { FreePracticeOff } from '../components/task-answer.tsx';
import { Loading, ProblemAlert } from '../components/ui.tsx';
import { label } from '../lib/format.ts';
import { useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import { useSettings } from '../lib/settings.ts';
import { wordMinimum } from '../lib/shared.ts';
import { useSubmitAnswer, useTaskPrompt } from '../lib/submit.ts';

const samplePrompts = {
  task1:
    'You received an email from your English friend, Jane, asking about your plans for the summer holiday. Write a reply to Jane: tell her where you will go, who you will go with and what you will do there.',
  task2:
    'Some people think that students should study online at home instead of going to school. To what extent do you agree or disagree? Give reasons and examples to support your opinion.',
} as const;

export function WritingPage() {
  useTitle('Writing practice');
  const settings = useSettings();
  if (settings === undefined) return <Loading what="the form" />;
  if (!settings?.freePractice) return <FreePracticeOff heading="Writing practice" skill="writing" />;
  return <WritingForm />;
}

function WritingForm() {
  const { task, chooseTask, prompt, setPrompt } = useTaskPrompt(samplePrompts, 'task2');
  const [text, setText] = useState('');
  const { error, busy, send } = useSubmitAnswer();
  // One key per draft: a double click or a retry after a lost answer cannot submit it twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const submit = (event: Event) => {
    event.preventDefault();
    void send({ json: { skill: 'writing', task, prompt, text } }, idempotencyKey);
  };

  return (
    <section>
      <h1>Writing practice</h1>
      <p class="muted">Practise with a prompt of your own. For the exam’s own tasks, see <a href={`${base}/tasks`}>Practice tasks</a>.</p>
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
        <EssayField task={task} text={text} onText={setText} ids={{ essay: 'essay', count: 'word-count' }} />
        <button type="submit" disabled={busy || text.trim() === ''}>
          {busy ? 'Submitting…' : 'Submit for grading'}
        </button>
      </form>
    </section>
  );
}
