// Wakes the live streams of this API process when a submission's events change. Every stored
// event is announced by the database itself (trigger notify_submission_event, channel
// "submission_events", payload "<submission id>:<event id>"), whoever wrote it: the worker, this
// API process or another one. One dedicated connection per process LISTENs.
//
// A wake-up only says "look again": streams read the events from the table, in id order, so a
// notification lost while the connection was down costs nothing but delay. After reconnecting,
// every stream is woken to catch up (spread over a moment, not all at once). While the
// connection is down, streams re-read at every heartbeat. Deletions are announced too
// ("<submission id>:deleted").
import pg from 'pg';
import type { Logger } from '../lib/logger.ts';

export const eventsChannel = 'submission_events';

export interface StreamListener {
  /** New events may exist. */
  wake(): void;
  /** The process is shutting down: end the stream. */
  end(): void;
}

export interface EventHub {
  /** On a closed hub the listener is ended at once. */
  subscribe(submissionId: string, listener: StreamListener): () => void;
  /** True while notifications arrive; when false, streams must look for themselves. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/** A hub without a database connection: streams rely on their heartbeat re-checks. */
export function createPollingHub(): EventHub {
  const listeners = new Set<StreamListener>();
  let closed = false;
  return {
    subscribe(_submissionId, listener) {
      if (closed) {
        listener.end();
        return () => undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listening: false,
    async close() {
      closed = true;
      for (const l of [...listeners]) l.end();
    },
  };
}

/** Wakes many listeners in small groups, so a reconnect does not send every stream to the database at once. */
function wakeGradually(listeners: StreamListener[], groupSize = 50, gapMs = 20): void {
  listeners.forEach((listener, i) => {
    setTimeout(() => listener.wake(), Math.floor(i / groupSize) * gapMs).unref();
  });
}

export async function startEventHub(databaseUrl: string, logger: Logger): Promise<EventHub> {
  const bySubmission = new Map<string, Set<StreamListener>>();
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const all = () => [...bySubmission.values()].flatMap((set) => [...set]);

  const connect = async (): Promise<void> => {
    // keepAlive: a connection that silently died is noticed by TCP, not only at the next query.
    const next = new pg.Client({ connectionString: databaseUrl, application_name: 'vstep-live-events', keepAlive: true });
    next.on('notification', (message) => {
      const submissionId = message.payload?.split(':')[0];
      if (submissionId) for (const listener of bySubmission.get(submissionId) ?? []) listener.wake();
    });
    next.on('error', (error) => {
      if (client === next) logger.warn({ err: error }, 'live events connection lost; reconnecting');
      lost(next);
    });
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${eventsChannel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      // Closed while connecting: this connection is not wanted any more.
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    retryMs = 250;
  };

  const reconnectSoon = () => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().then(
        () => {
          if (closed) return;
          logger.info('live events connection restored');
          // Anything announced while we were away is caught up from the table.
          wakeGradually(all());
        },
        (error: unknown) => {
          logger.warn({ err: error, retryMs }, 'live events connection failed; retrying');
          retryMs = Math.min(retryMs * 2, 5000);
          reconnectSoon();
        },
      );
    }, retryMs);
    reconnectTimer.unref();
  };

  /** The listening connection ended or failed: drop it and connect again. */
  const lost = (which: pg.Client) => {
    if (client !== which) return;
    client = undefined;
    which.end().catch(() => undefined);
    reconnectSoon();
  };

  await connect();

  return {
    subscribe(submissionId, listener) {
      if (closed) {
        listener.end();
        return () => undefined;
      }
      let set = bySubmission.get(submissionId);
      if (!set) bySubmission.set(submissionId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) bySubmission.delete(submissionId);
      };
    },
    get listening() {
      return client !== undefined;
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      for (const listener of all()) listener.end();
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
