import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createScoringActivities } from '../../activities/scoring.activities.ts';
import { createTranscriptionActivities } from '../../activities/transcription.activities.ts';
import type { Transcriber } from '../../src/speech/transcriber.ts';
import { LocalAudioStore } from '../../src/storage/audio-store.ts';
import { fixture } from '../helpers/speech.ts';
import { createPrisma, type PrismaClient } from '../../src/lib/prisma.ts';
import { connectRedis, type Redis } from '../../src/lib/redis.ts';
import { CircuitOpenError, createCircuitBreaker } from '../../src/scoring/circuit-breaker.ts';
import { ProviderUnavailableError } from '../../src/providers/errors.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';
import { workflowIdFor } from '../../src/grading/contract.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';

let redisA: Redis;
let redisB: Redis;
let prisma: PrismaClient;

beforeAll(async () => {
  redisA = await connectRedis(inject('redisUrl'));
  redisB = await connectRedis(inject('redisUrl'));
  prisma = createPrisma(inject('databaseUrl'), 2);
});
afterAll(async () => {
  redisA?.disconnect();
  redisB?.disconnect();
  await prisma?.$disconnect();
});

const options = { failureRate: 0.5, minCalls: 10, windowSeconds: 60, cooldownSeconds: 1 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('circuit breaker', () => {
  it('when more than half of at least 10 calls fail, then it opens for every worker and closes after the cooldown', async () => {
    const provider = `test-${randomUUID()}`;
    const opened: string[] = [];
    const here = createCircuitBreaker(redisA, provider, options, (p) => opened.push(p));
    const elsewhere = createCircuitBreaker(redisB, provider, options); // another worker
    for (let i = 0; i < 4; i++) await here.record(false);
    for (let i = 0; i < 5; i++) await here.record(true);
    await expect(elsewhere.check()).resolves.toBeUndefined(); // 5 of 9: too few calls to judge
    await here.record(true); // 6 of 10 failed
    expect(opened).toEqual([provider]);
    const error = await elsewhere.check().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((error as CircuitOpenError).retryAfterMs).toBeLessThanOrEqual(1000);
    await sleep(1100);
    await expect(elsewhere.check()).resolves.toBeUndefined();
  });

  it('when exactly half fail, then it stays closed (the threshold is "above 50%")', async () => {
    const breaker = createCircuitBreaker(redisA, `test-${randomUUID()}`, options);
    for (let i = 0; i < 5; i++) await breaker.record(false);
    for (let i = 0; i < 5; i++) await breaker.record(true);
    await expect(breaker.check()).resolves.toBeUndefined();
  });

  it('when Redis is unreachable, then the breaker stays out of the way', async () => {
    const dead = await connectRedis('redis://127.0.0.1:1', 300);
    try {
      const breaker = createCircuitBreaker(dead, 'test-dead', { ...options, minCalls: 1 });
      await breaker.record(true);
      await expect(breaker.check()).resolves.toBeUndefined();
    } finally {
      dead.disconnect();
    }
  });

  it('when the circuit is open, then the scoring activity fails fast, without calling the provider, and says when to retry', async () => {
    let calls = 0;
    const fail = async (): Promise<never> => {
      calls++;
      throw new ProviderUnavailableError('provider answered 503');
    };
    const down: Scorer = {
      provider: `test-${randomUUID()}`,
      scoreWriting: fail,
      scoreSpeaking: fail,
    };
    const breaker = createCircuitBreaker(redisA, down.provider, { ...options, minCalls: 2, cooldownSeconds: 5 });
    const { scoreSubmission } = createScoringActivities({ prisma, scorer: down, breaker });
    const id = randomUUID();
    await prisma.submission.create({
      data: { id, skill: 'writing', task: 'task1', mode: 'auto', prompt: holidayPrompt, text: holidayLetter, workflowId: workflowIdFor(id), deadlineAt: new Date(Date.now() + 60_000) },
    });
    const attempt = () => new MockActivityEnvironment().run(scoreSubmission, id).then(
      () => { throw new Error('scoring should have failed'); },
      (e: unknown) => e as ApplicationFailure,
    );
    expect((await attempt()).type).toBe('ProviderUnavailable');
    expect((await attempt()).type).toBe('ProviderUnavailable');
    const fast = await attempt();
    expect(fast).toBeInstanceOf(ApplicationFailure);
    expect(fast.type).toBe('CircuitOpen');
    expect(Number(fast.nextRetryDelay)).toBeGreaterThan(0);
    expect(Number(fast.nextRetryDelay)).toBeLessThanOrEqual(5000);
    expect(calls).toBe(2);
  });

  it('when the transcription circuit is open, then transcription fails fast the same way, and heartbeats reached Temporal before', async () => {
    let calls = 0;
    const down: Transcriber = {
      provider: `test-stt-${randomUUID()}`,
      transcribe: async (_input, context) => {
        calls++;
        context.heartbeat();
        throw new ProviderUnavailableError('provider answered 502');
      },
    };
    const root = await mkdtemp(path.join(tmpdir(), 'vstep-breaker-'));
    const audioStore = new LocalAudioStore(root);
    const id = randomUUID();
    const audioKey = `submissions/${id}.mp3`;
    const spooled = path.join(await audioStore.incomingDir(), randomUUID());
    await writeFile(spooled, fixture('speech.mp3'));
    await audioStore.saveFile(audioKey, spooled);
    await prisma.submission.create({
      data: { id, skill: 'speaking', task: 'part1', mode: 'auto', prompt: 'Talk about your hometown.', audioKey, audioFormat: 'mp3', workflowId: workflowIdFor(id), deadlineAt: new Date(Date.now() + 60_000) },
    });
    const transcriptionBreaker = createCircuitBreaker(redisA, down.provider, { ...options, minCalls: 2, cooldownSeconds: 5 });
    const { transcribeSubmission } = createTranscriptionActivities({ prisma, transcriber: down, audioStore, transcriptionBreaker });
    const env = new MockActivityEnvironment();
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);
    const attempt = () => env.run(transcribeSubmission, id).then(
      () => { throw new Error('transcription should have failed'); },
      (e: unknown) => e as ApplicationFailure,
    );
    expect((await attempt()).type).toBe('ProviderUnavailable');
    expect((await attempt()).type).toBe('ProviderUnavailable');
    const fast = await attempt();
    expect(fast.type).toBe('CircuitOpen');
    expect(calls).toBe(2);
    expect(heartbeats).toBe(2);
  });
});
