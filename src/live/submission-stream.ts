// The live feed of one submission: Server-Sent Events read from submission_events, woken by the
// event hub. Event ids are the stored event ids, so a client reconnecting with Last-Event-ID
// gets exactly what it missed. The stream ends after the event that settles the submission
// (completed or failed); asked again after that, it answers 204, which tells an EventSource to
// stop reconnecting. Also: a long-poll for clients without SSE.
import type { Request, Response } from 'express';
import type { Principal } from '../auth/access-tokens.ts';
import type { Config } from '../config/env.ts';
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../http/errors.ts';
import type { Logger } from '../lib/logger.ts';
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

export function presentEvent(e: StoredEvent) {
  return {
    id: e.id.toString(),
    submissionId: e.submissionId,
    type: e.type,
    from: e.fromStatus,
    to: e.toStatus,
    data: e.data,
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

export function createLiveHandlers({ config, prisma, hub, logger, getVisible }: LiveDeps) {
  const heartbeatMs = config.live.heartbeatSeconds * 1000;

  const eventsAfter = (submissionId: string, after: bigint) =>
    prisma.submissionEvent.findMany({ where: { submissionId, id: { gt: after } }, orderBy: { id: 'asc' }, take: page });

  return {
    async stream(req: Request, res: Response, id: string, viewer: Principal): Promise<void> {
      const submission = await getVisible(id, viewer);
      if (!submission) throw new NotFoundError('No submission with this id.');
      const lastEventId = lastEventIdOf(req);
      if (lastEventId !== undefined && settledStatuses.has(submission.status)) {
        const newer = await prisma.submissionEvent.count({ where: { submissionId: id, id: { gt: lastEventId } } });
        if (newer === 0) {
          res.status(204).end();
          return;
        }
      }
      if (hub.size >= config.live.maxStreams) {
        res.set('Retry-After', '5');
        throw new ServiceUnavailableError('Too many live streams on this server; try again shortly or use /wait.');
      }

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

      const finish = () => {
        if (finished) return;
        finished = true;
        clearInterval(heartbeat);
        unsubscribe();
        res.end();
      };

      const send = (event: string, data: unknown, eventId?: string) => {
        res.write(`${eventId ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };

      // Sends everything after the cursor, in order; one pass at a time.
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
            for (;;) {
              const batch = await eventsAfter(id, cursor);
              if (finished) return;
              for (const e of batch) {
                if (e.toStatus) status = e.toStatus;
                const payload: Record<string, unknown> = presentEvent(e);
                if (e.toStatus === 'completed') {
                  // "Result ready": the event carries the result, so a client needs no second call.
                  const current = await findSubmission(prisma, id);
                  if (current) payload.result = presentSubmission(current, { self: `/submissions/${id}` }).result;
                }
                send(e.type, payload, e.id.toString());
                cursor = e.id;
              }
              if (batch.length < page) break;
            }
            if (settledStatuses.has(status)) return finish();
            if (!(await prisma.submission.findUnique({ where: { id }, select: { id: true } }))) {
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

      const unsubscribe = hub.subscribe(id, { wake: () => void flush(), end: finish });
      // Comments keep proxies from closing an idle stream; each beat also looks for missed events.
      const heartbeat = setInterval(() => {
        res.write(': keep-alive\n\n');
        void flush();
      }, heartbeatMs);
      req.on('close', finish);
      await flush();
    },

    /**
     * Long-poll: answers with the submission as soon as its status differs from `status` (by
     * default: once it is settled), or when `timeout` seconds pass, whichever comes first.
     */
    async wait(id: string, viewer: Principal, { timeout, status }: { timeout: number; status?: string }) {
      const changed = (s: SubmissionRecord) => (status ? s.status !== status : settledStatuses.has(s.status));
      const first = await getVisible(id, viewer);
      if (!first) throw new NotFoundError('No submission with this id.');
      if (changed(first) || timeout === 0) return first;
      return new Promise<SubmissionRecord>((resolve, reject) => {
        let done = false;
        const settle = (fn: () => void) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          unsubscribe();
          fn();
        };
        const check = () =>
          getVisible(id, viewer).then(
            (now) => {
              if (!now) settle(() => reject(new NotFoundError('No submission with this id.')));
              else if (changed(now)) settle(() => resolve(now));
            },
            (error: unknown) => settle(() => reject(error)),
          );
        const timer = setTimeout(() => {
          getVisible(id, viewer).then(
            (now) => settle(() => (now ? resolve(now) : reject(new NotFoundError('No submission with this id.')))),
            (error: unknown) => settle(() => reject(error)),
          );
        }, timeout * 1000);
        // Shutting down: answer with what is known now.
        const unsubscribe = hub.subscribe(id, { wake: () => void check(), end: () => settle(() => resolve(first)) });
        // An event may have landed between the first read and subscribing.
        void check();
      });
    },
  };
}

export type LiveHandlers = ReturnType<typeof createLiveHandlers>;
