// Idempotency-Key on POST /submissions: a retried request gets the submission it already made,
// never a second one; a key reused for a different request is refused; racing retries agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { fixture, hometownPrompt, speakingForm, storedFiles } from '../helpers/speech.ts';
import { signedIn, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let student: TestUser;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
  student = await signedIn(platform, 'student');
});
afterAll(async () => {
  await platform?.stop();
});

const essay = { skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter };
const post = (user: TestUser, body: unknown, key?: string) =>
  fetch(`${platform.baseUrl}/submissions`, {
    method: 'POST',
    headers: { ...user.headers, ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
const countFor = (user: TestUser) => platform.prisma.submission.count({ where: { studentId: user.id } });

describe('Idempotency-Key', () => {
  it('when the same request is sent twice with one key, then both get the same submission and one workflow exists', async () => {
    const author = await signedIn(platform, 'student');
    const first = await post(author, essay, 'key-1');
    const second = await post(author, essay, 'key-1');
    expect([first.status, second.status]).toEqual([202, 202]);
    const [a, b] = [(await first.json()) as { id: string; workflowId: string }, (await second.json()) as { id: string }];
    expect(b.id).toBe(a.id);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await countFor(author)).toBe(1);
    const runs = await platform.temporal.workflow.list({ query: `WorkflowId = '${a.workflowId}'` });
    let count = 0;
    for await (const _ of runs) count++;
    expect(count).toBe(1);
  });

  it('when the key is reused with a different body, then the answer is 422 and nothing new is stored', async () => {
    const author = await signedIn(platform, 'student');
    expect((await post(author, essay, 'key-2')).status).toBe(202);
    const other = await post(author, { ...essay, text: `${holidayLetter} P.S. One more line.` }, 'key-2');
    expect(other.status).toBe(422);
    expect(((await other.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('header.idempotency-key');
    expect(await countFor(author)).toBe(1);
  });

  it('when ten identical requests race with one key, then all get the same submission and exactly one is stored', async () => {
    const author = await signedIn(platform, 'student');
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(author, essay, 'racing-key')));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(202));
    const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
    expect(await countFor(author)).toBe(1);
  });

  it('when two students use the same key, or a request has no key, then nothing is shared', async () => {
    const [a, b] = [await signedIn(platform, 'student'), await signedIn(platform, 'student')];
    const ra = (await (await post(a, essay, 'shared-key')).json()) as { id: string };
    const rb = (await (await post(b, essay, 'shared-key')).json()) as { id: string };
    expect(ra.id).not.toBe(rb.id);
    expect((await post(a, essay)).status).toBe(202);
    expect((await post(a, essay)).status).toBe(202);
    expect(await countFor(a)).toBe(3);
  });

  it('when a speaking answer is retried with its key, then the same recording replays and different audio is refused, leaving no file behind', async () => {
    const author = await signedIn(platform, 'student');
    const fields = { skill: 'speaking', task: 'part1', prompt: hometownPrompt };
    const send = (bytes: Buffer) =>
      fetch(`${platform.baseUrl}/submissions`, {
        method: 'POST',
        headers: { authorization: author.headers.authorization!, 'idempotency-key': 'speak-1' },
        body: speakingForm({ fields, audio: { bytes, filename: 'a.mp3' } }),
      });
    const first = (await (await send(fixture('speech.mp3'))).json()) as { id: string };
    const files = storedFiles(platform.config.audio.storageDir).length;
    const again = await send(fixture('speech.mp3'));
    expect(again.status).toBe(202);
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    expect((await send(fixture('speech.ogg'))).status).toBe(422);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(storedFiles(platform.config.audio.storageDir)).toHaveLength(files);
    expect(await countFor(author)).toBe(1);
  });

  it('when the key is not a visible ASCII string of at most 255 characters, then the answer is 400', async () => {
    expect((await post(student, essay, 'x'.repeat(256))).status).toBe(400);
    expect((await post(student, essay, 'has space')).status).toBe(400);
    expect(await countFor(student)).toBe(0);
  });
});
