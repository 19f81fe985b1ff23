// The live feed of a submission (GET /submissions/:id/events). EventSource cannot send an
// Authorization header, so this reads the text/event-stream with fetch, and reconnects with
// Last-Event-ID as EventSource would. A 204 answer means the submission is settled: nothing to wait for.
import { ApiError, authorised } from './api.ts';
import type { SubmissionEvent } from './types.ts';

/** An event as the page shows it: the "deleted" notice gets an id and a time of its own. */
export type LiveEvent = Pick<SubmissionEvent, 'id' | 'type' | 'from' | 'to' | 'data' | 'createdAt' | 'result'>;

interface Handlers {
  onEvent: (event: LiveEvent) => void;
  onState: (state: 'connecting' | 'open' | 'closed' | 'retrying') => void;
}

/** Splits one SSE block into its fields; null for comments and retry hints. */
function parseBlock(block: string): { id?: string; event: string; data: string } | null {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { id, event, data: data.join('\n') } : null;
}

/**
 * Follows the feed until the stream ends for good or `signal` aborts. The server ends a settled
 * submission's stream once it has sent what there is, unless an appeal of it is being decided;
 * while `watch()` says more is expected (the appeal this page just made, say), a stream that
 * ended, or an answer of 204 (nothing since), is followed by asking again after `pollMs`.
 */
export async function follow(submissionId: string, handlers: Handlers, signal: AbortSignal, { watch = () => false, pollMs = 5000 }: { watch?: () => boolean; pollMs?: number } = {}): Promise<void> {
  let lastEventId: string | undefined;
  let delayMs = 1000;
  let first = true;
  for (let failures = 0; failures < 50 && !signal.aborted; ) {
    if (first || failures > 0) handlers.onState(first ? 'connecting' : 'retrying');
    first = false;
    let answered = false;
    try {
      const response = await authorised(`/submissions/${submissionId}/events`, {
        headers: { Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
        signal,
      });
      answered = true;
      if (response.status === 204 || !response.body) {
        if (!watch()) break;
      } else {
        handlers.onState('open');
        delayMs = 1000;
        failures = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        let ended = false;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) !== -1) {
            const parsed = parseBlock(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
            if (!parsed) continue;
            if (parsed.id) lastEventId = parsed.id;
            const event = JSON.parse(parsed.data) as Partial<SubmissionEvent>;
            // The "deleted" notice is not a stored event: it has neither an id nor a time.
            handlers.onEvent({ from: null, to: null, data: null, ...event, id: event.id ?? `${parsed.event}-${Date.now()}`, createdAt: event.createdAt ?? new Date().toISOString(), type: parsed.event });
            if (parsed.event === 'deleted') return handlers.onState('closed');
            if (event.to === 'completed' || event.to === 'failed') ended = true;
          }
        }
        if (ended && !watch()) break;
      }
    } catch (error) {
      if (signal.aborted) break;
      // Not found or forbidden will not get better by asking again.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) break;
      answered = false;
    }
    if (answered && watch()) {
      // Settled, but more to come: ask again in a while (not a failure).
      handlers.onState('open');
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    failures += 1;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 15_000);
  }
  handlers.onState('closed');
}
