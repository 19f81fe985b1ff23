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
import { presentSubmission, selfLink } from '../submissions/submission.presenter.ts';
import { findSubmission, type SubmissionRecord } from '../submissions/submission.repository.ts';
import { lifetime, serialised } from './connection.ts';
import type { EventHub } from './event-hub.ts';
import type { SubmissionEventView } from './live.schemas.ts';

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

export function presentEvent(e: StoredEvent, { staff }: { staff: boolean }): SubmissionEventView {
  const data =
    !staff && e.data && typeof e.data === 'object' && !Array.isArray(e.data)
      ? Object.fromEntries(Object.entries(e.data).filter(([key]) => !staffOnly.has(key)))
      : e.data;
  return { id: e.id.toString(), submissionId: e.submissionId, type: e.type, from: e.fromStatus, to: e.toStatus, data, createdAt: e.createdAt.toISOString() };
}

function lastEventIdOf(req: Request): bigint | undefined {
  const raw = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,19}$/.test(raw)) {
    throw new BadRequestError('Last-Event-ID must be an event id this API sent.', [{ field: 'header.last-event-id', message: 'is not an event id' }]);
  }
  return BigInt(raw);
}

/** The open streams and waits of this process, each kind bounded by LIVE_MAX_STREAMS. */
function admission(maxStreams: number) {
  const open = { streams: 0, waits: 0 };
  /** Takes a slot of `kind` until the returned release runs; 503 when none is free. */
  return (kind: 'streams' | 'waits', res: Response): (() => void) => {
    if (open[kind] >= maxStreams) {
      res.set('Retry-After', '5');
      throw new ServiceUnavailableError(`Too many open ${kind === 'streams' ? 'event streams' : 'waits'} on this server; try again shortly.`);
    }
    open[kind] += 1;
    liveConnections.inc({ kind });
    return () => {
      open[kind] -= 1;
      liveConnections.dec({ kind });
    };
  };
}

type Live = LiveDeps & { admit: ReturnType<typeof admission>; heartbeatMs: number };

const eventsAfter = (prisma: PrismaClient, submissionId: string, after: bigint) =>
  prisma.submissionEvent.findMany({ where: { submissionId, id: { gt: after } }, orderBy: { id: 'asc' }, take: page });

async function stream({ prisma, hub, logger, getVisible, admit, heartbeatMs }: Live, req: Request, res: Response, id: string, viewer: Principal): Promise<void> {
  const life = lifetime(req, res);
  const submission = await getVisible(id, viewer);
  if (!submission) throw new NotFoundError('No submission with this id.');
  const staff = viewer.role !== 'student';
  const lastEventId = lastEventIdOf(req);
  // A completed result whose appeal is being decided can still change: its stream stays open.
  let appealOpen = submission.appeal?.status === 'open';
  if (lastEventId !== undefined && settledStatuses.has(submission.status) && !appealOpen) {
    if ((await prisma.submissionEvent.count({ where: { submissionId: id, id: { gt: lastEventId } } })) === 0) {
      res.status(204).end();
      return;
    }
  }
  if (life.over) return;
  life.add(admit('streams', res));
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  res.write('retry: 3000\n\n');

  const finish = () => {
    life.end();
    res.end();
  };
  const send = (event: string, data: unknown, eventId?: string) => res.write(`${eventId ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  let cursor = lastEventId ?? 0n;
  let status: string = submission.status;

  // Sends everything after the cursor, in order. Events of a submission are numbered and
  // committed in the same order (appendEvent and transition lock the row), so "after the
  // cursor" never skips one.
  const flush = serialised(async () => {
    if (life.over) return;
    try {
      let sent = 0;
      for (let batch = await eventsAfter(prisma, id, cursor); !life.over; batch = await eventsAfter(prisma, id, cursor)) {
        for (const e of batch) {
          if (e.toStatus) status = e.toStatus;
          if (e.type === 'appeal_opened') appealOpen = true;
          if (e.type === 'appeal_decided') appealOpen = false;
          const payload = presentEvent(e, { staff });
          // "Result ready" (or changed): the event carries the result, so a client needs no second call.
          const current = e.toStatus === 'completed' || e.type === 'result_changed' ? await findSubmission(prisma, id) : null;
          if (current) payload.result = presentSubmission(current, selfLink(id), { staff }).result;
          send(e.type, payload, e.id.toString());
          cursor = e.id;
          sent += 1;
        }
        if (batch.length < page) break;
      }
      if (life.over) return;
      if (settledStatuses.has(status) && !appealOpen) return finish();
      if (sent === 0 && !(await prisma.submission.findUnique({ where: { id }, select: { id: true } }))) {
        send('deleted', { submissionId: id });
        finish();
      }
    } catch (error) {
      logger.warn({ err: error, submissionId: id }, 'live stream failed; closing it');
      finish();
    }
  });

  // Comments keep proxies from closing an idle stream. Notifications wake the stream;
  // without them (connection down), each beat looks for events itself.
  const heartbeat = setInterval(() => {
    res.write(': keep-alive\n\n');
    if (!hub.listening) void flush();
  }, heartbeatMs);
  life.add(() => clearInterval(heartbeat));
  life.add(hub.subscribe(id, { wake: () => void flush(), end: finish }));
  if (life.over) return finish();
  await flush();
}

/**
 * Long-poll: answers with the submission as soon as its status differs from `status` (by
 * default: once it is settled), or when `timeout` seconds pass, whichever comes first; null
 * when the client went away.
 */
async function wait(
  { hub, getVisible, admit, heartbeatMs }: Live,
  res: Response,
  id: string,
  viewer: Principal,
  { timeout, status }: { timeout: number; status?: string },
): Promise<SubmissionRecord | null> {
  const life = lifetime(res.req, res);
  const changed = (s: SubmissionRecord) => (status ? s.status !== status : settledStatuses.has(s.status));
  const first = await getVisible(id, viewer);
  if (!first) throw new NotFoundError('No submission with this id.');
  if (changed(first) || timeout === 0) return first;
  if (life.over) return null;
  life.add(admit('waits', res));
  return new Promise<SubmissionRecord | null>((resolve, reject) => {
    let done = false;
    const settle = (fn: () => void) => {
      if (done) return;
      done = true;
      life.end();
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
    life.add(() => settle(() => resolve(null)));
    const timer = setTimeout(() => void check(true), timeout * 1000);
    // Without notifications, look every heartbeat.
    const poll = setInterval(() => {
      if (!hub.listening) void check();
    }, heartbeatMs);
    life.add(() => clearTimeout(timer));
    life.add(() => clearInterval(poll));
    // Shutting down: answer with what is known now.
    life.add(hub.subscribe(id, { wake: () => void check(), end: () => void check(true) }));
    // An event may have landed between the first read and subscribing.
    void check();
  });
}

export function createLiveHandlers(deps: LiveDeps) {
  const live: Live = { ...deps, admit: admission(deps.config.live.maxStreams), heartbeatMs: deps.config.live.heartbeatSeconds * 1000 };
  return {
    stream: (req: Request, res: Response, id: string, viewer: Principal) => stream(live, req, res, id, viewer),
    wait: (res: Response, id: string, viewer: Principal, query: { timeout: number; status?: string }) => wait(live, res, id, viewer, query),
  };
}

export type LiveHandlers = ReturnType<typeof createLiveHandlers>;
