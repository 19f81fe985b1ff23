// Live status: a real EventSource client, reconnects with Last-Event-ID, a second API process
// hearing events it did not write, heartbeats, the long-poll, and a lost LISTEN connection.
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '../../src/auth/token-keys.ts';
import { liveConnections } from '../../src/lib/metrics.ts';
import { appendEvent } from '../../src/submissions/submission.repository.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { runEntryPoint } from '../helpers/processes.ts';
import { openStream } from '../helpers/sse.ts';
import { submitWriting } from '../helpers/submissions.ts';
import { callApi, signedIn, type TestUser } from '../helpers/users.ts';
import { freePort } from '../../src/embedded/ports.ts';

let platform: TestPlatform;
let grader: TestUser;
let keys: Record<string, string>;

beforeAll(async () => {
  // Shared signing keys, so a second API process accepts the same tokens.
  const jwk = await generateSigningJwk('live-test');
  keys = { JWT_KEYS: JSON.stringify([jwk]), JWT_SIGNING_KID: 'live-test' };
  // A long heartbeat: what arrives promptly here was woken by NOTIFY, not found by a re-check.
  platform = await startTestPlatform({ env: { ...keys, LIVE_HEARTBEAT_SECONDS: '60' } });
  grader = await signedIn(platform, 'grader');
});
afterAll(async () => {
  await platform?.stop();
});

const api = (user: TestUser, method: string, route: string, body?: unknown, base = platform.baseUrl) => callApi(base, user, method, route, body);

/** A human-mode essay, waiting in review: its stream stays open until a grader finishes it. */
async function waitingForReview() {
  const { id, student } = await submitWriting(platform, { body: { mode: 'human' } });
  const review = await eventually(async () => {
    const { body } = await api(student, 'GET', `/submissions/${id}`);
    return body.status === 'review_pending' ? body.review : undefined;
  }, { what: 'the review to open' });
  return { id, student, reviewId: review.id as string };
}

async function finishReview(reviewId: string, base = platform.baseUrl) {
  expect((await api(grader, 'POST', `/reviews/${reviewId}/claim`, undefined, base)).status).toBe(200);
  const decision = { criteria: { taskFulfilment: { score: 6 }, organisation: { score: 6 }, vocabulary: { score: 6.5 }, grammar: { score: 6.5 } } };
  expect((await api(grader, 'POST', `/reviews/${reviewId}/complete`, decision, base)).status).toBe(200);
}

describe('the live feed (SSE)', () => {
  it('when an EventSource follows a graded essay, then it sees every state change in order, the result, and stops at the end', async () => {
    const { id, student } = await submitWriting(platform);
    const received: Array<{ type: string; id: string; data: any }> = [];
    const es = new EventSource(`${platform.baseUrl}/submissions/${id}/events`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization: student.headers.authorization! } }),
    });
    for (const type of ['created', 'status_changed']) {
      es.addEventListener(type, (e) => received.push({ type, id: e.lastEventId, data: JSON.parse(e.data) }));
    }
    // The server closes after the final event; the reconnect that follows gets 204, which ends the EventSource for good.
    await eventually(async () => (es.readyState === EventSource.CLOSED ? true : undefined), { what: 'the EventSource to close', timeoutMs: 30_000 });

    expect(received.map((e) => [e.type, e.data.to])).toEqual([
      ['created', 'pending'],
      ['status_changed', 'processing'],
      ['status_changed', 'completed'],
    ]);
    const ids = received.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    expect(received[2]!.data.result).toMatchObject({ source: 'ai', level: expect.stringMatching(/B1|B2|C1/) });
    expect(received[2]!.data.result.overall).toBeGreaterThan(0);
  });

  it('when a stream is open while a grader finishes the review, then the result arrives live and the stream ends', async () => {
    const { id, student, reviewId } = await waitingForReview();
    const stream = await openStream(`${platform.baseUrl}/submissions/${id}/events`, { authorization: student.headers.authorization! });
    expect(stream.status).toBe(200);
    await stream.waitFor(3); // created, processing, review_pending
    const started = Date.now();
    await finishReview(reviewId);
    const all = await stream.waitFor(4, 5000);
    expect(Date.now() - started).toBeLessThan(5000); // woken by NOTIFY, not the 60 s heartbeat
    expect(all.map((e) => e.data.to)).toEqual(['pending', 'processing', 'review_pending', 'completed']);
    expect(all[3]!.data.result).toMatchObject({ source: 'human', overall: 6.5 });
    await stream.ended;
  });

  it('when a client reconnects with Last-Event-ID, then it gets exactly the events it missed, and 204 once nothing is left', async () => {
    const { id, student, reviewId } = await waitingForReview();
    const auth = { authorization: student.headers.authorization! };
    const first = await openStream(`${platform.baseUrl}/submissions/${id}/events`, auth);
    const seen = await first.waitFor(2);
    first.close();
    await finishReview(reviewId);

    const again = await openStream(`${platform.baseUrl}/submissions/${id}/events`, { ...auth, 'last-event-id': seen[1]!.id! });
    await again.ended;
    expect(again.events.map((e) => e.data.to)).toEqual(['review_pending', 'completed']);
    const everything = [...seen, ...again.events].map((e) => e.id);
    expect(new Set(everything).size).toBe(4);

    const done = await fetch(`${platform.baseUrl}/submissions/${id}/events`, { headers: { ...auth, 'last-event-id': again.events.at(-1)!.id! } });
    expect(done.status).toBe(204);
  });

  it('when events are written through one API process, then a stream on another process hears them', async () => {
    const { id, student, reviewId } = await waitingForReview();
    const port = await freePort();
    const other = runEntryPoint(platform, 'src/http/server.ts', { PORT: String(port), LIVE_HEARTBEAT_SECONDS: '60', ...keys });
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => ((await fetch(`${base}/health`).catch(() => undefined))?.ok ? true : undefined), {
        what: `the second API process (${other.output().slice(-300)})`,
        timeoutMs: 30_000,
      });
      const stream = await openStream(`${base}/submissions/${id}/events`, { authorization: student.headers.authorization! });
      await stream.waitFor(3);
      await finishReview(reviewId); // through the first process
      const all = await stream.waitFor(4, 5000);
      expect(all[3]!.data).toMatchObject({ to: 'completed', result: { source: 'human' } });
      await stream.ended;
    } finally {
      other.child.kill('SIGTERM');
    }
  });

  it('when the LISTEN connection is killed, then the hub reconnects and the stream still gets what happened meanwhile', async () => {
    const { id, student, reviewId } = await waitingForReview();
    const stream = await openStream(`${platform.baseUrl}/submissions/${id}/events`, { authorization: student.headers.authorization! });
    await stream.waitFor(3);
    const killed = await platform.prisma.$queryRaw<{ pg_terminate_backend: boolean }[]>`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'vstep-live-events'`;
    expect(killed.length).toBeGreaterThan(0);
    await finishReview(reviewId);
    const all = await stream.waitFor(4, 10_000);
    expect(all[3]!.data.to).toBe('completed');
  });

  it('when the submission is deleted while streaming, then a "deleted" event ends the stream at once', async () => {
    const { id, student } = await waitingForReview();
    const stream = await openStream(`${platform.baseUrl}/submissions/${id}/events`, { authorization: student.headers.authorization! });
    await stream.waitFor(3);
    const started = Date.now();
    expect((await fetch(`${platform.baseUrl}/submissions/${id}`, { method: 'DELETE', headers: student.headers })).status).toBe(204);
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(5000); // announced by the delete trigger, not found by a 60 s heartbeat
    expect(stream.events.at(-1)).toMatchObject({ event: 'deleted', data: { submissionId: id } });
  });

  it('when no notifications arrive, then heartbeats keep the stream open and their re-checks still deliver the result', async () => {
    const quiet = await startTestPlatform({ notifications: false, env: { ...keys, LIVE_HEARTBEAT_SECONDS: '1' } });
    try {
      const { id, student } = await submitWriting(quiet, { body: { mode: 'human' } });
      const review = await eventually(async () => {
        const s = (await (await fetch(`${quiet.baseUrl}/submissions/${id}`, { headers: student.headers })).json()) as any;
        return s.status === 'review_pending' ? s.review : undefined;
      }, { what: 'the review to open' });
      const stream = await openStream(`${quiet.baseUrl}/submissions/${id}/events`, { authorization: student.headers.authorization! });
      await stream.waitFor(3);
      await finishReview(review.id, quiet.baseUrl);
      await stream.ended;
      expect(stream.events.at(-1)!.data.to).toBe('completed');
      expect(stream.comments).toContain('keep-alive');
    } finally {
      await quiet.stop();
    }
  });

  it('when a student watches, then staff identities in event data are left out; staff see them', async () => {
    const { id, student, reviewId } = await waitingForReview();
    await finishReview(reviewId);
    const mine = await openStream(`${platform.baseUrl}/submissions/${id}/events`, { authorization: student.headers.authorization! });
    await mine.ended;
    const completed = mine.events.find((e) => e.data.to === 'completed')!;
    expect(completed.data.data).toMatchObject({ source: 'human' });
    expect(completed.data.data.graderId).toBeUndefined();
    const staff = await openStream(`${platform.baseUrl}/submissions/${id}/events`, { authorization: grader.headers.authorization! });
    await staff.ended;
    expect(staff.events.find((e) => e.data.to === 'completed')!.data.data.graderId).toBe(grader.id);
  });

  it('when clients hang up at once, or mid-wait, then their streams and waits are released', async () => {
    const { id, student } = await waitingForReview();
    const open = async (kind: string) => (await liveConnections.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
    const before = { streams: await open('streams'), waits: await open('waits') };
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const controller = new AbortController();
        const path = i % 2 ? `/submissions/${id}/events` : `/submissions/${id}/wait?timeout=30`;
        const pending = fetch(`${platform.baseUrl}${path}`, { headers: student.headers, signal: controller.signal }).catch(() => undefined);
        setTimeout(() => controller.abort(), i * 5);
        await pending;
      }),
    );
    await eventually(async () => ((await open('streams')) === before.streams && (await open('waits')) === before.waits ? true : undefined), {
      what: `every stream and wait to be released (${JSON.stringify((await liveConnections.get()).values)} vs ${JSON.stringify(before)})`,
      timeoutMs: 5000,
    });
  });

  it('when two writers record events for one submission at once, then the second waits for the first to commit', async () => {
    // The stream reads "ids after the last one sent": an id must never become visible after a higher one.
    const { id } = await waitingForReview();
    let releaseFirst!: () => void;
    const held = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = platform.prisma.$transaction(async (tx) => {
      await appendEvent(tx, id, 'first_writer', {});
      await held;
    }, { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    let secondDone = false;
    const second = platform.prisma.$transaction((tx) => appendEvent(tx, id, 'second_writer', {})).then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    releaseFirst();
    await Promise.all([first, second]);
    const types = (await platform.prisma.submissionEvent.findMany({ where: { submissionId: id }, orderBy: { id: 'asc' } })).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['first_writer', 'second_writer']);
  });

  it('when someone else asks for the stream, or sends a bad Last-Event-ID, then the answer is 404 or 400', async () => {
    const { id } = await submitWriting(platform, { body: { mode: 'human' } });
    const stranger = await signedIn(platform, 'student');
    expect((await fetch(`${platform.baseUrl}/submissions/${id}/events`, { headers: stranger.headers })).status).toBe(404);
    const owner = await submitWriting(platform);
    const bad = await fetch(`${platform.baseUrl}/submissions/${owner.id}/events`, { headers: { ...owner.student.headers, 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('the long-poll', () => {
  it('when a client waits for a change of status, then it is answered as soon as the status changes', async () => {
    const { id, student, reviewId } = await waitingForReview();
    const started = Date.now();
    const waiting = api(student, 'GET', `/submissions/${id}/wait?status=review_pending&timeout=20`);
    setTimeout(() => void finishReview(reviewId), 300);
    const { status, body } = await waiting;
    expect(status).toBe(200);
    expect(body.status).toBe('completed');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('when nothing changes, then the wait ends at its timeout with the current state', async () => {
    const { id, student } = await waitingForReview();
    const started = Date.now();
    const { status, body } = await api(student, 'GET', `/submissions/${id}/wait?timeout=1`);
    expect(status).toBe(200);
    expect(body.status).toBe('review_pending');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await api(student, 'GET', `/submissions/${id}/wait?timeout=61`)).status).toBe(400);
  });
});
