// Uploading speaking answers: every accepted format is recognised from its bytes; every bad
// upload is a clear 4xx problem and leaves no row and no file behind.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '../../src/lib/prisma.ts';
import { probeAudioFile } from '../../src/speech/audio-format.ts';
import { createSubmissionService } from '../../src/submissions/submission.service.ts';
import { testLogger } from '../helpers/platform.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { fixture, hometownPrompt, postSpeaking, silentWav, speakingForm, storedFiles } from '../helpers/speech.ts';
import { signedIn, type TestUser } from '../helpers/users.ts';

let platform: TestPlatform;
let student: TestUser;
const maxBytes = 128 * 1024;

beforeAll(async () => {
  // No worker: these tests are about what the API accepts and stores.
  platform = await startTestPlatform({ worker: false, env: { AUDIO_MAX_BYTES: String(maxBytes), AUDIO_MAX_SECONDS: '5' } });
  student = await signedIn(platform, 'student');
});
afterAll(async () => {
  await platform?.stop();
});

const fields = { skill: 'speaking', task: 'part2', prompt: hometownPrompt };
const root = () => platform.config.audio.storageDir;

async function expectNothingStored(res: Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as { status: number; detail: string; errors?: { field: string; message: string }[] };
  expect(problem.status).toBe(status);
  expect(problem.detail).toMatch(detail);
  expect(await platform.prisma.submission.count({ where: { studentId: student.id } })).toBe(0);
  // The spooled upload is removed when the response closes.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(storedFiles(root())).toEqual([]);
  return problem;
}

describe('speaking uploads that are refused', () => {
  it.each([
    ['a PNG image named answer.wav', { bytes: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), filename: 'answer.wav', type: 'audio/wav' }, /PNG image, not audio/],
    ['a text file named answer.mp3', { bytes: Buffer.from('I am not audio at all, just some words.\n'), filename: 'answer.mp3', type: 'audio/mpeg' }, /is text, not audio/],
    ['a PDF named answer.m4a', { bytes: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), filename: 'answer.m4a', type: 'audio/mp4' }, /PDF document/],
    ['an AVI (RIFF but not WAVE)', { bytes: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST')]), filename: 'a.wav' }, /not WAVE audio/],
  ])('when the file is %s, then the answer is 415 and nothing is stored', async (_case, audio, detail) => {
    await expectNothingStored(await postSpeaking(platform, student, speakingForm({ fields, audio })), 415, detail);
  });

  it('when the file is larger than AUDIO_MAX_BYTES, then the answer is 413 (declared size) and nothing is stored', async () => {
    const audio = { bytes: silentWav(4.5), filename: 'long.wav' };
    expect(audio.bytes.length).toBeGreaterThan(maxBytes);
    const problem = await expectNothingStored(await postSpeaking(platform, student, speakingForm({ fields, audio })), 413, /larger than the 0\.1 MiB limit/);
    expect(problem.errors).toEqual([{ field: 'audio', message: 'must be at most 0.1 MiB' }]);
  });

  it('when an oversized file streams without a declared length, then the upload is cut off at the limit with 413', async () => {
    const form = speakingForm({ fields, audio: { bytes: silentWav(4.5), filename: 'long.wav' } });
    const body = new Response(form);
    const res = await fetch(`${platform.baseUrl}/submissions`, {
      method: 'POST',
      headers: { authorization: student.headers.authorization!, 'content-type': body.headers.get('content-type')! },
      body: body.body,
      duplex: 'half',
    } as RequestInit);
    await expectNothingStored(res, 413, /larger than/);
  });

  it.each([
    ['empty', Buffer.alloc(0), /is empty/],
    ['a WAV cut off half way', fixture('speech.wav').subarray(0, 50_000), /incomplete/],
    ['an MP3 cut off half way', fixture('speech.mp3').subarray(0, 5_000), /incomplete/],
    ['an M4A cut off half way', fixture('speech.m4a').subarray(0, 9_000), /incomplete/],
    ['an OGG cut off half way', fixture('speech.ogg').subarray(0, 5_000), /incomplete/],
    ['a WebM cut off in its header', fixture('speech.webm').subarray(0, 100), /incomplete/],
  ])('when the file is %s, then the answer is 400 naming the audio field', async (_case, bytes, detail) => {
    const problem = await expectNothingStored(
      await postSpeaking(platform, student, speakingForm({ fields, audio: { bytes, filename: 'answer.bin' } })),
      400,
      detail,
    );
    expect(problem.errors?.[0]?.field).toBe('audio');
  });

  it('when the recording is longer than AUDIO_MAX_SECONDS, then the answer is 400', async () => {
    const audio = { bytes: silentWav(6, 8_000), filename: 'long.wav' };
    await expectNothingStored(await postSpeaking(platform, student, speakingForm({ fields, audio })), 400, /lasts 6 s; the limit is 5 s/);
  });

  const audio = { bytes: fixture('speech.mp3'), filename: 'answer.mp3' };
  it.each([
    ['no audio file', speakingForm({ fields }), ['audio']],
    ['no task and no prompt', speakingForm({ fields: { skill: 'speaking' }, audio }), ['task', 'prompt']],
    ['a writing task number', speakingForm({ fields: { ...fields, task: 'task1' }, audio }), ['task']],
    ['skill=writing', speakingForm({ fields: { ...fields, skill: 'writing' }, audio }), ['skill']],
    ['an unknown field', speakingForm({ fields: { ...fields, score: '10' }, audio }), ['']],
    ['an unknown mode', speakingForm({ fields: { ...fields, mode: 'robot' }, audio }), ['mode']],
  ])('when the form has %s, then the answer is 422 naming the fields', async (_case, form, names) => {
    const problem = await expectNothingStored(await postSpeaking(platform, student, form), 422, /not valid/);
    expect(problem.errors?.map((e) => e.field).sort()).toEqual([...names].sort());
  });

  it.each([
    ['two audio files', speakingForm({ fields, audio, extraFiles: [{ field: 'audio', bytes: audio.bytes, filename: 'b.mp3' }] })],
    ['the file under another name', speakingForm({ fields, extraFiles: [{ field: 'recording', bytes: audio.bytes, filename: 'a.mp3' }] })],
  ])('when the form has %s, then the answer is 400', async (_case, form) => {
    await expectNothingStored(await postSpeaking(platform, student, form), 400, /exactly one file, in the part named "audio"/);
  });

  it('when the multipart body ends early, then the answer is 400', async () => {
    const res = await fetch(`${platform.baseUrl}/submissions`, {
      method: 'POST',
      headers: { authorization: student.headers.authorization!, 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="skill"\r\n\r\nspeaking\r\n--XYZ\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n\r\nRIFF',
    });
    await expectNothingStored(res, 400, /malformed or incomplete/);
  });
});

describe('speaking uploads that are accepted', () => {
  it.each([
    ['speech.wav', 'wav'],
    ['speech.mp3', 'mp3'],
    ['speech.m4a', 'mp4'],
    ['speech.ogg', 'ogg'],
    ['speech-vorbis.ogg', 'ogg'],
    ['speech.webm', 'webm'],
    ['speech.flac', 'flac'],
  ])('when the file is %s, then it is stored as %s with its duration, under the submission id', async (name, format) => {
    const author = await signedIn(platform, 'student');
    const bytes = fixture(name);
    const res = await postSpeaking(platform, author, speakingForm({ fields, audio: { bytes, filename: name } }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; skill: string; task: string; status: string; audio: { format: string; bytes: number; durationSeconds: number; url: string } };
    expect(body).toMatchObject({ skill: 'speaking', task: 'part2', status: 'pending' });
    expect(body.audio).toMatchObject({ format, bytes: bytes.length, url: `/submissions/${body.id}/audio` });
    expect(body.audio.durationSeconds).toBeCloseTo(3.8, 0);
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.audioKey).toMatch(new RegExp(`^submissions/${body.id}\\.[a-z0-9]+$`));
    await platform.audioStore.withLocalFile(row.audioKey!, async (file) => expect(readFileSync(file).equals(bytes)).toBe(true));
  });

  it('when WAV bytes arrive named answer.mp3, then the real type wins: it is stored as WAV', async () => {
    const author = await signedIn(platform, 'student');
    const res = await postSpeaking(platform, author, speakingForm({ fields, audio: { bytes: fixture('speech.wav'), filename: 'answer.mp3', type: 'audio/mpeg' } }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; audio: { format: string } };
    expect(body.audio.format).toBe('wav');
    expect((await platform.prisma.submission.findUniqueOrThrow({ where: { id: body.id } })).audioKey).toMatch(/\.wav$/);
  });

  it('when the owner asks for the recording, then the stored bytes come back with their real type; another student gets 404', async () => {
    const author = await signedIn(platform, 'student');
    const bytes = fixture('speech.ogg');
    const created = (await (await postSpeaking(platform, author, speakingForm({ fields, audio: { bytes, filename: 'a.ogg' } }))).json()) as { id: string };
    const own = await fetch(`${platform.baseUrl}/submissions/${created.id}/audio`, { headers: author.headers });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await own.arrayBuffer()).equals(bytes)).toBe(true);
    const other = await signedIn(platform, 'student');
    expect((await fetch(`${platform.baseUrl}/submissions/${created.id}/audio`, { headers: other.headers })).status).toBe(404);
    const grader = await signedIn(platform, 'grader');
    expect((await fetch(`${platform.baseUrl}/submissions/${created.id}/audio`, { headers: grader.headers })).status).toBe(404);
  });

  it('when a speaking submission is deleted, then its recording is deleted too', async () => {
    const author = await signedIn(platform, 'student');
    const created = (await (await postSpeaking(platform, author, speakingForm({ fields, audio: { bytes: fixture('speech.flac'), filename: 'a.flac' } }))).json()) as { id: string };
    const row = await platform.prisma.submission.findUniqueOrThrow({ where: { id: created.id } });
    expect(storedFiles(root()).some((f) => f.endsWith(row.audioKey!))).toBe(true);
    expect((await fetch(`${platform.baseUrl}/submissions/${created.id}`, { method: 'DELETE', headers: author.headers })).status).toBe(204);
    expect(storedFiles(root()).some((f) => f.endsWith(row.audioKey!))).toBe(false);
  });
});

describe('a speaking submission and its recording are stored together or not at all', () => {
  /** A checked upload spooled where the API would have put it. */
  async function upload() {
    const spooled = path.join(await platform.audioStore.incomingDir(), randomUUID());
    await writeFile(spooled, fixture('speech.mp3'));
    const fields = { skill: 'speaking' as const, task: 'part1' as const, prompt: hometownPrompt };
    return { fields, path: spooled, bytes: fixture('speech.mp3').length, info: await probeAudioFile(spooled) };
  }
  const serviceWith = (prisma: PrismaClient) =>
    createSubmissionService({ config: platform.config, prisma, temporal: platform.temporal, logger: testLogger, audioStore: platform.audioStore });

  it('when the row cannot be committed, then the stored recording is removed again', async () => {
    const author = await signedIn(platform, 'student');
    const before = storedFiles(root());
    const failing = new Proxy(platform.prisma, {
      get: (target, key) => (key === '$transaction' ? () => Promise.reject(new Error('connection lost')) : Reflect.get(target, key)),
    });
    const spooled = await upload();
    await expect(serviceWith(failing).createSpeaking(author.id, spooled, undefined)).rejects.toThrow('connection lost');
    expect(storedFiles(root()).sort()).toEqual(before.sort());
    expect(await platform.prisma.submission.count({ where: { studentId: author.id } })).toBe(0);
  });

  it('when the row is committed but recording the workflow start fails, then the submission is accepted and the recording stays with its row', async () => {
    const author = await signedIn(platform, 'student');
    const before = storedFiles(root()).length;
    const flaky = new Proxy(platform.prisma, {
      get: (target, key) =>
        key === 'submission'
          ? new Proxy(target.submission, { get: (t, k) => (k === 'updateMany' ? () => Promise.reject(new Error('write failed')) : Reflect.get(t, k)) })
          : Reflect.get(target, key),
    });
    const created = await serviceWith(flaky).createSpeaking(author.id, await upload(), undefined);
    expect(created.submission.studentId).toBe(author.id);
    const row = await platform.prisma.submission.findFirstOrThrow({ where: { studentId: author.id } });
    expect(storedFiles(root())).toHaveLength(before + 1);
    expect(storedFiles(root()).some((f) => f.endsWith(row.audioKey!))).toBe(true);
  });
});
