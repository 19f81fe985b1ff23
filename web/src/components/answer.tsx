// What the student handed in: the task answered (title, version; for staff its grader notes), the
// prompt with its questions, and the essay, or the recording with its transcript.
import { useEffect, useState } from 'preact/hooks';
import { authorised } from '../lib/api.ts';
import { asApiError } from '../lib/hooks.ts';
import type { Submission, SubmissionDetail } from '../lib/types.ts';
import { TaskPrompt } from './task-answer.tsx';
import { ProblemAlert } from './ui.tsx';

/** The recording, fetched with the access token (an <audio src> could not send it). */
function AudioPlayer({ submission }: { submission: Submission }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  useEffect(() => {
    if (!submission.audio) return;
    const controller = new AbortController();
    let objectUrl: string | null = null;
    authorised(`/submissions/${submission.id}/audio`, { signal: controller.signal, headers: { Accept: '*/*' } })
      .then((r) => r.blob())
      .then((blob) => {
        if (controller.signal.aborted) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch((e: unknown) => controller.signal.aborted || setError(asApiError(e)));
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
    // The URL, not the object: a reload of the submission must not fetch the recording again.
  }, [submission.id, submission.audio?.url]);
  if (!submission.audio) return <p class="muted">The recording is no longer stored.</p>;
  return (
    <>
      <ProblemAlert error={error} />
      {url ? <audio controls src={url} aria-label="The recorded answer" /> : !error && <p class="muted">Loading the recording…</p>}
    </>
  );
}

export function Answer({ submission, open = false }: { submission: SubmissionDetail; open?: boolean }) {
  const task = submission.examTask;
  return (
    <section class="card" aria-labelledby="answer-heading">
      <h2 id="answer-heading">The answer</h2>
      {task ? (
        <p data-testid="task-title">
          Task: <strong>{task.title}</strong> <span class="muted">· version {task.version}</span>
        </p>
      ) : (
        <p class="muted">Free practice: the student’s own prompt.</p>
      )}
      {submission.prompt && (
        <blockquote class="prompt">
          <span class="muted">Prompt</span>
          <TaskPrompt task={{ task: submission.task, prompt: submission.prompt, questions: task?.questions ?? [] }} />
        </blockquote>
      )}
      {task?.graderNotes && (
        <div class="grader-notes" data-testid="grader-notes">
          <h3>Grader notes</h3>
          <p class="prompt-text">{task.graderNotes}</p>
        </div>
      )}
      {submission.skill === 'writing' ? (
        <details open={open}>
          <summary>Essay · {submission.wordCount ?? 0} words</summary>
          <div class="essay" data-testid="essay">
            {submission.text}
          </div>
        </details>
      ) : (
        <>
          <AudioPlayer submission={submission} />
          <h3>Transcript</h3>
          {submission.transcript ? (
            <>
              <p class="essay" data-testid="transcript">
                {submission.transcript.text || <em>(nothing was recognised)</em>}
              </p>
              <p class="muted" data-testid="recognition">
                Words likely recognised right: {Math.round(submission.transcript.confidence * 100)}% ({submission.transcript.provider}
                {submission.transcript.model ? ` ${submission.transcript.model}` : ''})
              </p>
              <Delivery fluency={submission.transcript.fluency} />
            </>
          ) : (
            <p class="muted">Not transcribed yet.</p>
          )}
        </>
      )}
    </section>
  );
}

type Fluency = NonNullable<Submission['transcript']>['fluency'];

/** The measured delivery, as the scorers saw it (docs/scoring.md, "Fluency measures"). */
function Delivery({ fluency: f }: { fluency: Fluency }) {
  if (f.speechSyllablesPerSecond === null) {
    return <p class="muted" data-testid="delivery">{f.wordsPerMinute === null ? 'Speech rate unknown' : `${Math.round(f.wordsPerMinute)} words per minute`}; no word timings.</p>;
  }
  return (
    <p class="muted" data-testid="delivery">
      Speech rate {f.speechSyllablesPerSecond.toFixed(1)} syllables/s ({f.articulationSyllablesPerSecond?.toFixed(1)} without pauses) ·{' '}
      {f.pauseCount} pauses of 0.25 s or more · {f.meanRunSyllables?.toFixed(1)} syllables per run · {f.filledPauseCount} filled pauses
    </p>
  );
}
