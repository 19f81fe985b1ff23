// A raw Server-Sent Events reader over fetch, for tests that look at the wire: comments
// (heartbeats), ids, and exactly which events a reconnect gets.
export interface WireEvent {
  id?: string;
  event: string;
  data: any;
}

export interface RawStream {
  status: number;
  events: WireEvent[];
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits until `n` events have arrived. */
  waitFor: (n: number, timeoutMs?: number) => Promise<WireEvent[]>;
  close: () => void;
}

export async function openStream(url: string, headers: Record<string, string>): Promise<RawStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: WireEvent[] = [];
  const comments: string[] = [];
  const waiters: Array<() => void> = [];
  const ended = (async () => {
    if (!res.body || res.status !== 200) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const event: WireEvent = { event: 'message', data: undefined };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) {
              event.data = JSON.parse(line.slice(6));
              isEvent = true;
            }
          }
          if (isEvent) events.push(event);
          for (const w of waiters.splice(0)) w();
        }
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  })();
  const waitFor = async (n: number, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < n) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} events; got ${events.map((e) => e.event).join(', ')}`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    return events.slice(0, n);
  };
  return { status: res.status, events, comments, ended, waitFor, close: () => controller.abort() };
}
