// The answer inputs every writing and speaking form shares: the essay with its live word count
// against the task's minimum, and the recorder or upload with a preview of the recording.
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { wordMinimum, words } from '../lib/shared.ts';
import { Recorder, type Recording } from './recorder.tsx';

type WritingTask = keyof typeof wordMinimum;

export const isWritingTask = (task: string): task is WritingTask => Object.hasOwn(wordMinimum, task);

interface EssayProps {
  task: WritingTask;
  text: string;
  onText: (text: string) => void;
  /** Element ids, when a page needs fixed ones; otherwise unique per field. */
  ids?: { essay: string; count: string };
}

export function EssayField({ task, text, onText, ids }: EssayProps) {
  const own = useId();
  const essayId = ids?.essay ?? `${own}-essay`;
  const countId = ids?.count ?? `${own}-count`;
  const count = useMemo(() => words(text).length, [text]);
  const minimum = wordMinimum[task];
  return (
    <>
      <label for={essayId}>Your answer</label>
      <textarea
        id={essayId}
        rows={16}
        required
        maxLength={20000}
        aria-describedby={countId}
        value={text}
        onInput={(e) => onText(e.currentTarget.value)}
      />
      <p id={countId} class={`word-count ${count >= minimum ? 'ok' : 'short'}`} data-testid="word-count">
        {count} / {minimum} words{count < minimum ? ` · ${minimum - count} more to reach the minimum` : ' · minimum reached'}
      </p>
    </>
  );
}

/** Record with the microphone or choose a file; the chosen recording is previewed. */
export function SpeakingField({ audio, onAudio }: { audio: Recording | null; onAudio: (recording: Recording | null) => void }) {
  const fileId = useId();
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => {
    if (!audio) return setPreview(null);
    const url = URL.createObjectURL(audio.blob);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [audio]);
  return (
    <fieldset>
      <legend>Your answer</legend>
      <Recorder onRecorded={onAudio} />
      <label for={fileId}>Or upload a recording (WAV, MP3, M4A, OGG, WebM, FLAC)</label>
      <input
        id={fileId}
        type="file"
        accept="audio/*,.wav,.mp3,.m4a,.ogg,.webm,.flac"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          onAudio(file ? { blob: file, name: file.name } : null);
        }}
      />
      {preview && (
        <p>
          <audio controls src={preview} aria-label="Your answer" />
        </p>
      )}
    </fieldset>
  );
}
