// Speaking answers end to end: synthesised speech is uploaded, transcribed (offline by the
// Whisper server, or through a stand-in speaking OpenAI's transcription API), scored on the
// speaking rubric, routed, and completed or reviewed.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../../src/submissions/submission.repository.ts';
import { wer } from '../../src/evaluation/speech-eval.ts';
import { OpenAITranscriber } from '../../src/speech/openai-transcriber.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { silentWav, submitSpeaking, synthesise, hometownAnswer } from '../helpers/speech.ts';
import { callApi, signedIn, type TestUser } from '../helpers/users.ts';

const api = (platform: TestPlatform, user: TestUser, method: string, route: string, body?: unknown) => callApi(platform.baseUrl, user, method, route, body);

const awaitStatus = (platform: TestPlatform, user: TestUser, id: string, status: string) =>
  eventually(
    async () => {
      const { body } = await api(platform, user, 'GET', `/submissions/${id}`);
      return body.status === status ? body : undefined;
    },
    { timeoutMs: 60_000, what: `submission ${status}` },
  );

describe('speaking with the offline recogniser (Whisper)', () => {
  let platform: TestPlatform;
  let grader: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform({ env: { GRADING_SLA_SPEAKING_SECONDS: '7200', GRADING_MIN_TRANSCRIPTION_CONFIDENCE: '0.999' } });
    grader = await signedIn(platform, 'grader');
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('when a student uploads a spoken WAV answer in auto mode, then it is transcribed, scored on the speaking rubric and completed', async () => {
    const { id, workflowId, student } = await submitSpeaking(platform, { mode: 'auto' });
    const done = await awaitStatus(platform, student, id, 'completed');

    expect(Object.keys(done.result.criteria).sort()).toEqual(['discourseManagement', 'fluency', 'grammar', 'pronunciation', 'vocabulary']);
    expect(done.result).toMatchObject({ source: 'ai', provider: 'offline-baseline' });
    expect(done.result.criteria.pronunciation).toMatchObject({ estimated: true });
    expect(done.result.criteria.grammar.estimated).toBeUndefined();
    expect(done.result.feedback).toMatch(/Pronunciation is estimated/);

    // The transcript and its fluency measures are stored and shown.
    expect(done.transcript).toMatchObject({ provider: 'whisper', model: 'whisper-tiny.en' });
    // What was said, recognised with few errors (the speech set measures how many: docs/speech-evaluation.md).
    expect(wer(hometownAnswer, done.transcript.text)).toBeLessThan(0.1);
    expect(done.transcript.meanWordProbability).toBeGreaterThan(0.5);
    expect(done.transcript.confidence).toBeGreaterThan(0);
    expect(done.transcript.confidence).toBeLessThanOrEqual(1);
    const f = done.transcript.fluency;
    expect(f.durationSeconds).toBeGreaterThan(15);
    expect(f.wordCount).toBeGreaterThan(30);
    expect(done.wordCount).toBe(f.wordCount);
    expect(f.wordsPerMinute).toBeCloseTo((f.wordCount / f.durationSeconds) * 60, 0);
    expect(f.pauseCount).toBeGreaterThan(0);
    // Syllable-based measures from the word timings: espeak-ng at 140 words a minute.
    expect(f.syllableCount).toBeGreaterThan(f.wordCount);
    expect(f.speechSyllablesPerSecond).toBeGreaterThan(2);
    expect(f.articulationSyllablesPerSecond).toBeGreaterThan(f.speechSyllablesPerSecond!);
    expect(f.meanRunSyllables).toBeGreaterThan(3);
    expect(f.filledPauseCount).toBe(0);
    expect(f.meanRunWords).toBeGreaterThan(1);
    expect(new Date(done.deadlineAt).getTime() - new Date(done.createdAt).getTime()).toBe(7200 * 1000);

    // Transcription ran on its own task queue, with a heartbeat timeout.
    const history = await platform.temporal.workflow.getHandle(workflowId).fetchHistory();
    const transcribe = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'transcribeSubmission')!;
    expect(transcribe.activityTaskScheduledEventAttributes!.taskQueue!.name).toBe(platform.config.temporal.transcriptionTaskQueue);
    expect(Number(transcribe.activityTaskScheduledEventAttributes!.heartbeatTimeout!.seconds)).toBe(30);
    // Only ids travel through the workflow: no audio, no transcript text.
    expect(JSON.stringify(history)).not.toContain(done.transcript.text.slice(0, 30));

    const events = (await listEvents(platform.prisma, id)).map((e) => e.type);
    expect(events).toEqual(['created', 'status_changed', 'transcribed', 'status_changed']);
  });

  it('when a hybrid MP3 answer is recognised with low confidence, then it goes to review, and the grader\'s scores complete it', async () => {
    const { id, student } = await submitSpeaking(platform, { mode: 'hybrid', file: synthesise(hometownAnswer, 'mp3'), task: 'part3' });
    const waiting = await awaitStatus(platform, student, id, 'review_pending');
    expect(waiting.audio.format).toBe('mp3');
    expect(waiting.review.reasons).toContain('low_transcription_confidence');

    const queue = await api(platform, grader, 'GET', '/reviews');
    const item = queue.body.items.find((r: { submissionId: string }) => r.submissionId === id);
    expect((await api(platform, grader, 'POST', `/reviews/${item.id}/claim`)).status).toBe(200);
    // The grader sees the transcript and the AI draft, and can listen to the recording.
    const seen = await api(platform, grader, 'GET', `/submissions/${id}`);
    expect(seen.body.transcript.text.length).toBeGreaterThan(0);
    expect(seen.body.aiDraft.criteria.pronunciation.estimated).toBe(true);
    expect((await fetch(`${platform.baseUrl}/submissions/${id}/audio`, { headers: grader.headers })).status).toBe(200);

    const writingCriteria = { criteria: { grammar: { score: 6 }, vocabulary: { score: 6 }, taskFulfilment: { score: 6 }, organisation: { score: 6 } } };
    expect((await api(platform, grader, 'POST', `/reviews/${item.id}/complete`, writingCriteria)).status).toBe(400);
    const decision = {
      criteria: { grammar: { score: 6 }, vocabulary: { score: 6.5 }, pronunciation: { score: 7, feedback: 'Clear vowels.' }, fluency: { score: 6.5 }, discourseManagement: { score: 7 } },
    };
    const completed = await api(platform, grader, 'POST', `/reviews/${item.id}/complete`, decision);
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', result: { source: 'human', overall: 6.5, level: 'B2' } });
    expect(completed.body.result.criteria.pronunciation).toEqual({ score: 7, evidence: [], feedback: 'Clear vowels.' });
  });

  it('when the recording is silent, then even in auto mode it goes to review at high priority with the reason, and no AI draft', async () => {
    const file = path.join(tmpdir(), `silence-${Date.now()}.wav`);
    writeFileSync(file, silentWav(3));
    const { id, student } = await submitSpeaking(platform, { mode: 'auto', file });
    const waiting = await awaitStatus(platform, student, id, 'review_pending');
    expect(waiting.review).toMatchObject({ priority: 'high', reasons: ['unusable_audio'] });
    expect(waiting.review.note).toMatch(/no speech: the recording is silent \(0\.0 s above -40 dBFS in 3\.0 s\)/);
    expect(waiting.transcript).toBeNull();
    const staff = await api(platform, grader, 'GET', `/submissions/${id}`);
    expect(staff.body.aiDraft).toBeNull();
    const queue = await api(platform, grader, 'GET', '/reviews');
    expect(queue.body.items.find((r: { submissionId: string }) => r.submissionId === id).note).toMatch(/silent/);
  });
});

describe('speaking through an OpenAI-compatible transcription endpoint', () => {
  let fake: FakeOpenAI;
  let platform: TestPlatform;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    platform = await startTestPlatform({
      transcriber: new OpenAITranscriber({ baseUrl: fake.baseUrl, model: 'whisper-1', timeoutSeconds: 2 }),
      env: { GRADING_MAX_RETRIES: '2' },
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  const words: Array<[string, number, number]> = hometownAnswer.split(' ').map((w, i) => [w, i * 0.45, i * 0.45 + 0.35]);

  it('when the endpoint answers 429 with Retry-After: 1, then the retry waits for it and the answer completes', async () => {
    fake.transcriptions.length = 0;
    fake.scriptTranscriptions({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'transcript', words, avgLogprob: -0.1 });
    const { id, student } = await submitSpeaking(platform, { mode: 'auto', file: synthesise('Hello.', 'ogg') });
    const done = await awaitStatus(platform, student, id, 'completed');
    expect(fake.transcriptions).toHaveLength(2);
    expect(fake.transcriptions[1]!.at - fake.transcriptions[0]!.at).toBeGreaterThanOrEqual(950);
    expect(fake.transcriptions[0]!.file?.name).toBe('answer.ogg');
    expect(done.transcript).toMatchObject({ provider: 'openai', model: 'whisper-1', text: hometownAnswer });
    expect(done.transcript.fluency.pauseCount).toBe(0);
    expect(done.result.criteria.pronunciation.feedback).toMatch(/openai, 90%/);
  });

  it('when the endpoint rejects the request (401) in auto mode, then grading fails at once with a readable reason', async () => {
    fake.transcriptions.length = 0;
    fake.scriptTranscriptions({ kind: 'status', status: 401 });
    const { id, student } = await submitSpeaking(platform, { mode: 'auto', file: synthesise('Hello.', 'flac') });
    const failed = await awaitStatus(platform, student, id, 'failed');
    expect(failed.failureReason).toMatch(/^transcription failed: provider rejected the request \(401\)/);
    expect(fake.transcriptions).toHaveLength(1);
  });

  it('when the endpoint keeps failing (5xx) in hybrid mode, then after 1 + GRADING_MAX_RETRIES attempts a person gets it at high priority', async () => {
    fake.transcriptions.length = 0;
    fake.scriptTranscriptions({ kind: 'status', status: 503 });
    const { id, student } = await submitSpeaking(platform, { mode: 'hybrid', file: synthesise('Hello.', 'webm') });
    const waiting = await awaitStatus(platform, student, id, 'review_pending');
    expect(waiting.review).toMatchObject({ priority: 'high', reasons: ['transcription_failed'] });
    expect(waiting.review.note).toMatch(/provider answered 503/);
    expect(fake.transcriptions).toHaveLength(3);
  });

  it('when the endpoint hears no speech, then the answer goes to review as unusable audio without retrying', async () => {
    fake.transcriptions.length = 0;
    fake.scriptTranscriptions({ kind: 'transcript', text: 'Thank you.', noSpeechProb: 0.97 });
    const { id, student } = await submitSpeaking(platform, { mode: 'auto', file: synthesise('Hello.', 'm4a') });
    const waiting = await awaitStatus(platform, student, id, 'review_pending');
    expect(waiting.review.reasons).toEqual(['unusable_audio']);
    expect(fake.transcriptions).toHaveLength(1);
  });

  it('when the mode is human, then the answer is still transcribed for the grader, but not scored', async () => {
    fake.transcriptions.length = 0;
    fake.scriptTranscriptions({ kind: 'transcript', words, avgLogprob: -0.3 });
    const { id, student } = await submitSpeaking(platform, { mode: 'human', file: synthesise('Hello.', 'mp3') });
    const waiting = await awaitStatus(platform, student, id, 'review_pending');
    expect(waiting.review).toMatchObject({ priority: 'low', reasons: ['human_mode'], note: null });
    expect(waiting.transcript.text).toBe(hometownAnswer);
    expect(fake.transcriptions).toHaveLength(1);
    // No AI scoring happened: no draft was stored.
    expect(await platform.prisma.gradingResult.count({ where: { submissionId: id } })).toBe(0);
  });
});
