// The live feed of one submission: Server-Sent Events read from submission_events, woken by the
// event hub. Event ids are the stored event ids, so a client reconnecting with Last-Event-ID
// gets exactly what it missed. The stream ends after the event that settles the submission
// (completed or failed); asked again after that, it answers 204, which tells an EventSource to
// stop reconnecting. Also: a long-poll for clients without SSE.
import type { Request, Response } from 'express';
import type { Principal } from '../auth/access-tokens.ts';
import type { Config } from '../config/env.ts';
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../lib/http/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { liveConnections } from '../lib/metrics.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { presentSubmission } from '../submissions/submission.presenter.ts';
import { findSubmission, type SubmissionRecord } from '../submissions/submission.repository.ts';
import type { EventHub } from './event-hub.ts';

export interface LiveDeps {
  config: Config;
  prisma: PrismaClient;
  hub: EventHub;
  logger: Logger;
  getVisible: (id: string, viewer: Principal) => Promise<SubmissionRecord | null>;
}

/** States a grading does not leave by itself (failed only by an admin's re-drive). */
export const settledStatuses: ReadonlySet<string> = new Set(['completed', 'failed']);

const page = 100;

type StoredEvent = Awaited<ReturnType<PrismaClient['submissionEvent']['findMany']>>[number];

/** Event data a student does not see: who on the staff acted. */
const staffOnly = new Set(['graderId', 'redrivenBy', 'claimedBy']);

export function presentEvent(e: StoredEvent, { staff }: { staff: boolean }) {
  const data =
    !staff && e.data && typeof e.data === 'object' && !Array.isArray(e.data)
      ? Object.fromEntries(Object.entries(e.data).filter(([key]) => !staffOnly.has(key)))
      : e.data;
  return {
    id: e.id.toString(),
    submissionId: e.submissionId,
    type: e.type,
    from: e.fromStatus,
    to: e.toStatus,
    data,
    createdAt: e.createdAt.toISOString(),
  };
}

function lastEventIdOf(req: Request): bigint | undefined {
  const raw = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,19}$/.test(raw)) {
    throw new BadRequestError('Last-Event-ID must be an event id this API sent.', [{ field: 'header.last-event-id', message: 'is not an event id' }]);
  }
  return BigInt(raw);
}

/** The client is gone, perhaps before this handler could listen for it (e.g. during authentication). */
const hungUp = (req: Request) => req.socket.destroyed;

export function createLiveHandlers({ config, prisma, hub, logger, getVisible }: LiveDeps) {
  const heartbeatMs = config.live.heartbeatSeconds * 1000;
  // Open streams and waits in this process, each bounded by LIVE_MAX_STREAMS.
  const open = { streams: 0, waits: 0 };

  const eventsAfter = (submissionId: string, after: bigint) =>
    prisma.submissionEvent.findMany({ where: { submissionId, id: { gt: after } }, orderBy: { id: 'asc' }, take: page });
  const statusOf = async (id: string) => (await prisma.submission.findUnique({ where: { id }, select: { status: true } }))?.status;

  function admit(kind: 'streams' | 'waits', res: Response): () => void {
    if (open[kind] >= config.live.maxStreams) {
      res.set('Retry-After', '5');
      throw new ServiceUnavailableError(`Too many open ${kind === 'streams' ? 'event streams' : 'waits'} on this server; try again shortly.`);
    }
    open[kind] += 1;
    liveConnections.inc({ kind });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      open[kind] -= 1;
      liveConnections.dec({ kind });
    };
  }

  return {
    async stream(req: Request, res: Response, id: string, viewer: Principal): Promise<void> {
      // Listen for the client leaving before anything else: a hang-up during the first reads
      // would otherwise go unnoticed and leave the stream running.
      let gone = hungUp(req);
      let finish = () => {
        gone = true;
      };
      res.on('close', () => finish());

      const submission = await getVisible(id, viewer);
      if (!submission) throw new NotFoundError('No submission with this id.');
      const staff = viewer.role !== 'student';
      const lastEventId = lastEventIdOf(req);
      if (lastEventId !== undefined && settledStatuses.has(submission.status)) {
        const newer = await prisma.submissionEvent.count({ where: { submissionId: id, id: { gt: lastEventId } } });
        if (newer === 0) {
          res.status(204).end();
          return;
        }
      }
      if (gone) return;
      const release = admit('streams', res);

      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      res.write('retry: 3000\n\n');

      let cursor = lastEventId ?? 0n;
      let running = false;
      let again = false;
      let finished = false;
      let status = submission.status as string;
      const stops: Array<() => unknown> = [release];
      finish = () => {
        if (finished) return;
        finished = true;
        for (const stop of stops) stop();
        res.end();
      };

      const send = (event: string, data: unknown, eventId?: string) => {
        res.write(`${eventId ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };

      // Sends everything after the cursor, in order; one pass at a time. Events of a submission
      // are numbered and committed in the same order (appendEvent and transition lock the row),
      // so "after the cursor" never skips one.
      const flush = async (): Promise<void> => {
        if (finished) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            let sent = 0;
            for (;;) {
              const batch = await eventsAfter(id, cursor);
              if (finished) return;
              for (const e of batch) {
                if (e.toStatus) status = e.toStatus;
                const payload: Record<string, unknown> = presentEvent(e, { staff });
                if (e.toStatus === 'completed') {
                  // "Result ready": the event carries the result, so a client needs no second call.
                  const current = await findSubmission(prisma, id);
                  if (current) payload.result = presentSubmission(current, { self: `/submissions/${id}` }, { staff }).result;
                }
                send(e.type, payload, e.id.toString());
                cursor = e.id;
                sent += 1;
              }
              if (batch.length < page) break;
            }
            if (settledStatuses.has(status)) return finish();
            if (sent === 0 && (await statusOf(id)) === undefined) {
              send('deleted', { submissionId: id });
              return finish();
            }
          } while (again && !finished);
        } catch (error) {
          logger.warn({ err: error, submissionId: id }, 'live stream failed; closing it');
          finish();
        } finally {
          running = false;
        }
      };

      const heartbeat = setInterval(() => {
        // Comments keep proxies from closing an idle stream. Notifications wake the stream;
        // without them (connection down), each beat looks for events itself.
        res.write(': keep-alive\n\n');
        if (!hub.listening) void flush();
      }, heartbeatMs);
      stops.push(() => clearInterval(heartbeat));
      stops.push(hub.subscribe(id, { wake: () => void flush(), end: () => finish() }));
      if (gone || hungUp(req)) return finish();
      await flush();
    },

    /**
     * Long-poll: answers with the submission as soon as its status differs from `status` (by
     * default: once it is settled), or when `timeout` seconds pass, whichever comes first.
     */
    async wait(res: Response, id: string, viewer: Principal, { timeout, status }: { timeout: number; status?: string }) {
      // As for streams: notice a client that leaves while the first read is under way.
      let gone = hungUp(res.req);
      let leave = () => {
        gone = true;
      };
      res.on('close', () => leave());
      const changed = (s: SubmissionRecord) => (status ? s.status !== status : settledStatuses.has(s.status));
      const first = await getVisible(id, viewer);
      if (!first) throw new NotFoundError('No submission with this id.');
      if (changed(first) || timeout === 0) return first;
      if (gone || hungUp(res.req)) return null;
      const release = admit('waits', res);
      return new Promise<SubmissionRecord | null>((resolve, reject) => {
        let done = false;
        const stops: Array<() => unknown> = [release];
        const settle = (fn: () => void) => {
          if (done) return;
          done = true;
          for (const stop of stops) stop();
          fn();
        };
        const check = (final = false) =>
          getVisible(id, viewer).then(
            (now) => {
              if (!now) settle(() => reject(new NotFoundError('No submission with this id.')));
              else if (final || changed(now)) settle(() => resolve(now));
            },
            (error: unknown) => settle(() => reject(error)),
          );
        // The client left: stop waiting (nothing is sent).
        leave = () => settle(() => resolve(null));
        const timer = setTimeout(() => void check(true), timeout * 1000);
        // Without notifications, look every heartbeat.
        const poll = setInterval(() => {
          if (!hub.listening) void check();
        }, heartbeatMs);
        stops.push(() => clearTimeout(timer), () => clearInterval(poll));
        // Shutting down: answer with what is known now.
        stops.push(hub.subscribe(id, { wake: () => void check(), end: () => void check(true) }));
        // An event may have landed between the first read and subscribing.
        void check();
      });
    },
  };
}

export type LiveHandlers = ReturnType<typeof createLiveHandlers>;
