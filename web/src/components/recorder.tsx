// Records an answer with the microphone (MediaRecorder, WebM/Opus where the browser has it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useNow } from '../lib/hooks.ts';

export interface Recording {
  blob: Blob;
  name: string;
}

const preferred = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];
const extensionOf = (type: string) => (type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm');

export function Recorder({ onRecorded }: { onRecorded: (recording: Recording | null) => void }) {
  const [state, setState] = useState<'idle' | 'starting' | 'recording' | 'denied' | 'unsupported'>(
    typeof MediaRecorder === 'undefined' || !navigator.mediaDevices ? 'unsupported' : 'idle',
  );
  const [startedAt, setStartedAt] = useState(0);
  const recorder = useRef<MediaRecorder | null>(null);
  const now = useNow(500);

  useEffect(() => () => recorder.current?.stream.getTracks().forEach((t) => t.stop()), []);

  const start = async () => {
    setState('starting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      setState('denied');
      return;
    }
    const mimeType = preferred.find((t) => MediaRecorder.isTypeSupported(t));
    let rec: MediaRecorder;
    try {
      rec = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    } catch {
      stream.getTracks().forEach((t) => t.stop());
      setState('unsupported');
      return;
    }
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    rec.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      const blob = new Blob(chunks, { type: rec.mimeType });
      onRecorded({ blob, name: `answer.${extensionOf(rec.mimeType)}` });
      setState('idle');
    };
    recorder.current = rec;
    onRecorded(null);
    rec.start(1000);
    setStartedAt(Date.now());
    setState('recording');
  };

  if (state === 'unsupported') return <p class="muted">This browser cannot record audio; upload a file instead.</p>;
  return (
    <div class="recorder">
      {state === 'recording' ? (
        <button type="button" class="danger" onClick={() => recorder.current?.stop()}>
          Stop recording ({Math.floor((now - startedAt) / 1000)} s)
        </button>
      ) : (
        <button type="button" class="secondary" disabled={state === 'starting'} onClick={() => void start()}>
          Record with microphone
        </button>
      )}
      {state === 'denied' && (
        <p role="alert" class="short">
          The microphone is not available. Allow it in the browser, or upload a file.
        </p>
      )}
    </div>
  );
}
