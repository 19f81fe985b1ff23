// A task of the bank as the student reads it (the prompt exactly as authored, then its questions
// or options) and the form that answers it: the essay or the recording, sent with the task's id
// (and the attempt's, in a sitting). The task decides the part, prompt and marking mode.
import { useEffect, useId, useState } from 'preact/hooks';
import type { ApiError } from '../lib/api.ts';
import { asApiError } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import { useSubmitAnswer } from '../lib/submit.ts';
import type { Skill, Submission, Task } from '../lib/types.ts';
import { EssayField, isWritingTask, SpeakingField } from './answer-fields.tsx';
import type { Recording } from './recorder.tsx';
import { Notice, ProblemAlert } from './ui.tsx';

interface Readable {
  task: Task;
  /** Left out by the API until the task's sitting opens. */
  prompt?: string;
  questions?: string[];
}

/** The prompt with its line breaks, and the questions (Part 2: the options) as a list. */
export function TaskPrompt({ task }: { task: Readable }) {
  const listId = useId();
  const options = task.task === 'part2';
  const List = options ? 'ul' : 'ol';
  if (task.prompt === undefined) return <p class="muted">The prompt is shown when the sitting opens.</p>;
  const questions = task.questions ?? [];
  return (
    <div class="task-prompt">
      <p class="prompt-text" data-testid="prompt">
        {task.prompt}
      </p>
      {questions.length > 0 && (
        <>
          <p id={listId} class="list-heading">
            {options ? 'Options' : 'Questions'}
          </p>
          <List class="questions" aria-labelledby={listId} data-testid="questions">
            {questions.map((q, i) => (
              <li key={i}>{q}</li>
            ))}
          </List>
        </>
      )}
    </div>
  );
}

interface FormProps {
  task: { id: string; skill: Skill; task: Task };
  /** The attempt (a sitting) the answer belongs to. */
  attemptId?: string;
  /** Stay on the page with the new submission; by default its page opens. */
  onCreated?: (created: Submission) => void;
  /** Words for a refusal, in the page's terms (a sitting: time is up). */
  explain?: (error: ApiError) => ApiError;
  /** Told when the API refuses with 409 (the page may have changed meanwhile). */
  onConflict?: () => void;
}

export function TaskAnswerForm({ task, attemptId, onCreated, explain = (e) => e, onConflict }: FormProps) {
  const [text, setText] = useState('');
  const [audio, setAudio] = useState<Recording | null>(null);
  const { error, setError, busy, send } = useSubmitAnswer(onCreated);
  // One key per answer: a double click or a retry after a lost answer cannot submit it twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  useEffect(() => {
    if (error?.status === 409) onConflict?.();
  }, [error]);

  const submit = (event: Event) => {
    event.preventDefault();
    if (task.skill === 'writing') return void send({ json: { taskId: task.id, text, ...(attemptId && { attemptId }) } }, idempotencyKey);
    if (!audio) return setError(asApiError(new Error('Record an answer or choose an audio file first.')));
    const form = new FormData();
    form.set('taskId', task.id);
    if (attemptId) form.set('attemptId', attemptId);
    form.set('audio', audio.blob, audio.name);
    void send({ form }, idempotencyKey);
  };

  return (
    <form onSubmit={submit} class="stack">
      <ProblemAlert error={error && explain(error)} />
      {task.skill === 'writing' && isWritingTask(task.task) ? (
        <EssayField task={task.task} text={text} onText={setText} />
      ) : (
        <SpeakingField
          audio={audio}
          onAudio={(recording) => {
            setAudio(recording);
            // A different recording is a different submission.
            setIdempotencyKey(crypto.randomUUID());
          }}
        />
      )}
      <button type="submit" disabled={busy || (task.skill === 'writing' ? text.trim() === '' : !audio)}>
        {busy ? (task.skill === 'writing' ? 'Submitting…' : 'Uploading…') : 'Submit for grading'}
      </button>
    </form>
  );
}

/** What a free-practice page says when this deployment only takes answers to bank tasks. */
export function FreePracticeOff({ heading, skill }: { heading: string; skill: Skill }) {
  return (
    <section>
      <h1>{heading}</h1>
      <Notice>
        Practice with a prompt of your own is not offered here. <a href={`${base}/tasks?skill=${skill}`}>Answer a practice task</a> or a{' '}
        <a href={`${base}/sittings`}>sitting</a> instead.
      </Notice>
    </section>
  );
}
