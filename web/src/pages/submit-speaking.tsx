// Free speaking practice: recorded here or uploaded as a file, sent as multipart with its part
// and the student's own prompt. Only offered when free practice is on.
import { useState } from 'preact/hooks';
import { SpeakingField } from '../components/answer-fields.tsx';
import { Choices } from '../components/choices.tsx';
import type { Recording } from '../components/recorder.tsx';
import { FreePracticeOff } from '../components/task-answer.tsx';
import { Loading, ProblemAlert } from '../components/ui.tsx';
import { asApiError, useTitle } from '../lib/hooks.ts';
import { base } from '../lib/session.ts';
import { useSettings } from '../lib/settings.ts';
import { useSubmitAnswer, useTaskPrompt } from '../lib/submit.ts';

const samplePrompts = {
  part1: 'Let’s talk about your free time. What do you usually do at the weekend? Why?',
  part2:
    'A group of students is planning a class trip. Three places are suggested: a museum, a beach or a mountain village. Which one do you think is the best choice? Why?',
  part3: 'Topic: Technology has changed the way people communicate. Talk about its advantages and disadvantages.',
} as const;

export function SpeakingPage() {
  useTitle('Speaking practice');
  const settings = useSettings();
  if (settings === undefined) return <Loading what="the form" />;
  if (!settings?.freePractice) return <FreePracticeOff heading="Speaking practice" skill="speaking" />;
  return <SpeakingForm />;
}

function SpeakingForm() {
  const { task, chooseTask, prompt, setPrompt } = useTaskPrompt(samplePrompts, 'part1');
  const [audio, setAudio] = useState<Recording | null>(null);
  const { error, setError, busy, send } = useSubmitAnswer();
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const choose = (recording: Recording | null) => {
    setAudio(recording);
    // A different answer is a different submission.
    setIdempotencyKey(crypto.randomUUID());
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (!audio) return setError(asApiError(new Error('Record an answer or choose an audio file first.')));
    const form = new FormData();
    form.set('skill', 'speaking');
    form.set('task', task);
    form.set('prompt', prompt);
    form.set('audio', audio.blob, audio.name);
    void send({ form }, idempotencyKey);
  };

  return (
    <section>
      <h1>Speaking practice</h1>
      <p class="muted">Practise with a prompt of your own. For the exam’s own tasks, see <a href={`${base}/tasks`}>Practice tasks</a>.</p>
      <form onSubmit={submit} class="stack">
        <ProblemAlert error={error} />
        <Choices legend="Part" name="task" options={['part1', 'part2', 'part3'] as const} value={task} onChange={chooseTask} />
        <label for="prompt">Prompt</label>
        <textarea id="prompt" rows={3} required maxLength={4000} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
        <SpeakingField audio={audio} onAudio={choose} />
        <button type="submit" disabled={busy || !audio}>
          {busy ? 'Uploading…' : 'Submit for grading'}
        </button>
      </form>
    </section>
  );
}
