// What the writing and speaking forms share: a sample prompt that follows the chosen task until
// the student edits it, and sending the answer once (Idempotency-Key) and opening its page.
// Students never choose the marking mode: a bank task brings its own, free practice the platform's.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, type ApiError, type RequestOptions } from './api.ts';
import { asApiError } from './hooks.ts';
import { base } from './session.ts';
import type { Submission } from './types.ts';

export function useTaskPrompt<T extends string>(samples: Readonly<Record<T, string>>, first: NoInfer<T>) {
  const [task, setTask] = useState<T>(first);
  const [prompt, setPrompt] = useState<string>(samples[first]);
  const chooseTask = (next: T) => {
    if (prompt === samples[task]) setPrompt(samples[next]);
    setTask(next);
  };
  return { task, chooseTask, prompt, setPrompt };
}

/**
 * Sends an answer once per Idempotency-Key. By default opens the new submission's page; with
 * `onCreated`, stays and hands the submission over (an attempt moves on to its next task).
 */
export function useSubmitAnswer(onCreated?: (created: Submission) => void) {
  const { route } = useLocation();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (body: Pick<RequestOptions, 'json' | 'form'>, idempotencyKey: string) => {
    setBusy(true);
    setError(null);
    try {
      const created = await api<Submission>('/submissions', { method: 'POST', ...body, headers: { 'Idempotency-Key': idempotencyKey } });
      if (onCreated) {
        setBusy(false);
        onCreated(created);
      } else route(`${base}/submissions/${created.id}`);
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };
  return { error, setError, busy, send };
}
