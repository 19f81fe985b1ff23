// A speaking answer: recorded here or uploaded as a file, sent as multipart with its task and prompt.
import { useEffect, useState } from 'preact/hooks';
import { Choices } from '../components/choices.tsx';
import { Recorder, type Recording } from '../components/recorder.tsx';
import { ProblemAlert } from '../components/ui.tsx';
import { asApiError, useTitle } from '../lib/hooks.ts';
import { useSubmitAnswer, useTaskPrompt } from '../lib/submit.ts';
import type { Mode } from '../lib/types.ts';

const samplePrompts = {
  part1: 'Let’s talk about your free time. What do you usually do at the weekend? Why?',
  part2:
    'A group of students is planning a class trip. Three places are suggested: a museum, a beach or a mountain village. Which one do you think is the best choice? Why?',
  part3: 'Topic: Technology has changed the way people communicate. Talk about its advantages and disadvantages.',
} as const;

export function SpeakingPage() {
  useTitle('New speaking answer');
  const { task, chooseTask, prompt, setPrompt } = useTaskPrompt(samplePrompts, 'part1');
  const [audio, setAudio] = useState<Recording | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('auto');
  const { error, setError, busy, send } = useSubmitAnswer();
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    if (!audio) return setPreview(null);
    const url = URL.createObjectURL(audio.blob);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [audio]);

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
    form.set('mode', mode);
    form.set('audio', audio.blob, audio.name);
    void send({ form }, idempotencyKey);
  };

  return (
    <section>
      <h1>New speaking answer</h1>
      <form onSubmit={submit} class="stack">
        <ProblemAlert error={error} />
        <Choices legend="Part" name="task" options={['part1', 'part2', 'part3'] as const} value={task} onChange={chooseTask} />
        <label for="prompt">Prompt</label>
        <textarea id="prompt" rows={3} required maxLength={4000} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
        <fieldset>
          <legend>Your answer</legend>
          <Recorder onRecorded={choose} />
          <label for="audio-file">Or upload a recording (WAV, MP3, M4A, OGG, WebM, FLAC)</label>
          <input
            id="audio-file"
            type="file"
            accept="audio/*,.wav,.mp3,.m4a,.ogg,.webm,.flac"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              choose(file ? { blob: file, name: file.name } : null);
            }}
          />
          {preview && (
            <p>
              <audio controls src={preview} aria-label="Your answer" />
            </p>
          )}
        </fieldset>
        <Choices legend="Grading" name="mode" options={['auto', 'hybrid', 'human'] as const} value={mode} onChange={setMode} />
        <button type="submit" disabled={busy || !audio}>
          {busy ? 'Uploading…' : 'Submit for grading'}
        </button>
      </form>
    </section>
  );
}
