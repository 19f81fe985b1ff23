// The offline recogniser as the transcription activity uses it: the real Whisper server
// (src/speech/whisper-server.py) through the OpenAI transcription path, heartbeats while it
// works, cancellation, undecodable and silent recordings, and fluency measures on generated
// speech that must move the way the fluency literature says they do.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, readEnvironment } from '../../src/config/env.ts';
import { freePort } from '../../src/embedded/ports.ts';
import type { RunningWhisper } from '../../src/embedded/whisper.ts';
import { probeAudioFile } from '../../src/speech/audio-format.ts';
import { isFilledPause, measureFluency, type FluencyMeasures } from '../../src/speech/fluency.ts';
import { createTranscriber } from '../../src/speech/index.ts';
import { OpenAITranscriber } from '../../src/speech/openai-transcriber.ts';
import { TranscriptionUnavailableError, UnusableAudioError, type Transcription } from '../../src/speech/transcriber.ts';
import { ProviderUnavailableError } from '../../src/providers/errors.ts';
import { hometownAnswer, silentWav, startOwnRecogniser, synthesise, synthesiseWith } from '../helpers/speech.ts';

const recogniser = () => createTranscriber(loadConfig({ APP_ENV: 'test', WHISPER_URL: inject('whisperUrl') })).transcriber;
const input = async (file: string) => ({ path: file, info: await probeAudioFile(file) });
const quiet = { heartbeat: () => undefined };

async function fluencyOf(file: string): Promise<FluencyMeasures> {
  const heard = await recogniser().transcribe(await input(file), quiet);
  const said = heard.words!.filter((w) => !isFilledPause(w.text)).length;
  return measureFluency({ durationSeconds: heard.durationSeconds, wordCount: said, words: heard.words });
}

describe('the Whisper recogniser', () => {
  it('when an answer is being recognised, then the activity heartbeats while it works, and words come back with timings and probabilities', async () => {
    let beats = 0;
    const heard: Transcription = await recogniser().transcribe(await input(synthesise(hometownAnswer)), { heartbeat: () => beats++ });
    expect(beats).toBeGreaterThanOrEqual(1);
    expect(heard).toMatchObject({ provider: 'whisper', model: 'whisper-tiny.en', language: 'en' });
    expect(heard.words!.length).toBeGreaterThan(60);
    for (const w of heard.words!) {
      expect(w.end).toBeGreaterThanOrEqual(w.start);
      expect(w.confidence).toBeGreaterThan(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
    }
    expect(heard.meanWordProbability).toBeGreaterThan(0.6);
    expect(heard.confidence).toBeGreaterThan(0.5);
    expect(heard.durationSeconds).toBeGreaterThan(25);
  });

  it('when MP3, OGG and WebM arrive, then the server decodes them itself: no ffmpeg on the worker', async () => {
    for (const format of ['mp3', 'ogg', 'webm'] as const) {
      const heard = await recogniser().transcribe(await input(synthesise('My hometown is a small city in the north of Vietnam.', format)), quiet);
      expect(heard.text.toLowerCase()).toMatch(/small city in the north/);
    }
  });

  it('when the recording is digital silence, then it is unusable, not retried', async () => {
    const file = synthesise('x').replace(/\.wav$/, '-silent.wav');
    writeFileSync(file, silentWav(3));
    const error = await recogniser().transcribe(await input(file), quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnusableAudioError);
    expect((error as Error).message).toBe('no speech: the recording is silent (0.0 s above -40 dBFS in 3.0 s)');
  });

  it('when the bytes cannot be decoded, then the recording is unusable', async () => {
    const file = synthesise('Hello there.', 'mp3');
    const broken = file.replace(/\.mp3$/, '-broken.mp3');
    const bytes = readFileSync(file);
    writeFileSync(broken, Buffer.concat([bytes.subarray(0, 4), Buffer.alloc(bytes.length - 4, 0x55)]));
    const info = { ...(await probeAudioFile(file)), format: 'mp3' as const };
    const error = await recogniser().transcribe({ path: broken, info }, quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnusableAudioError);
  });

  it('when no recogniser is running and no endpoint is configured, then the platform says so instead of failing obscurely', async () => {
    const { transcriber, problem } = createTranscriber(loadConfig({ APP_ENV: 'test' }));
    expect(problem).toMatch(/no speech recogniser: the offline Whisper recogniser is not running/);
    await expect(transcriber.transcribe(await input(synthesise('Hi.')), quiet)).rejects.toBeInstanceOf(TranscriptionUnavailableError);
    expect(createTranscriber(loadConfig({ APP_ENV: 'test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })).transcriber.provider).toBe('openai');
  });

  it('when the recogniser is down, then the failure is the machine\'s (retried), not the recording\'s', async () => {
    const down = new OpenAITranscriber({ baseUrl: `http://127.0.0.1:${await freePort()}/v1`, model: 'whisper-tiny.en', timeoutSeconds: 5, provider: 'whisper' });
    const error = await down.transcribe(await input(synthesise('Hello there.')), quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
  });
});

describe('a recogniser whose client goes away', () => {
  let own: RunningWhisper;
  beforeAll(async () => {
    own = await startOwnRecogniser(loadConfig({ ...readEnvironment(), APP_ENV: 'test' }).transcription.whisper);
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('when the activity is cancelled mid-recording, then the call ends at once and the server drops the work, so the next answer is not kept waiting', async () => {
    const transcriber = new OpenAITranscriber({ baseUrl: own.url, model: 'whisper-tiny.en', timeoutSeconds: 120, provider: 'whisper' });
    const long = synthesise(Array.from({ length: 6 }, () => hometownAnswer).join(' ')); // about three minutes
    const controller = new AbortController();
    const started = Date.now();
    const pending = transcriber.transcribe(await input(long), { heartbeat: () => undefined, signal: controller.signal });
    setTimeout(() => controller.abort(), 1500);
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
    // Uncancelled, the long recording would hold the server for half a minute or more.
    const next = Date.now();
    const heard = await transcriber.transcribe(await input(synthesise('My hometown is a small city in the north of Vietnam.')), quiet);
    expect(heard.text).toMatch(/small city/i);
    expect(Date.now() - next).toBeLessThan(12_000);
  });
});

describe('fluency measured from generated speech', () => {
  const text = 'My hometown is a small city in the north of Vietnam. I like it because the people are very friendly and the food is delicious.';

  it('when the same text is spoken more slowly, then speech rate and articulation rate fall', async () => {
    const measures = [];
    for (const speed of [200, 150, 110]) measures.push(await fluencyOf(synthesiseWith(text, { speed })));
    for (let i = 1; i < measures.length; i++) {
      expect(measures[i]!.speechSyllablesPerSecond!).toBeLessThan(measures[i - 1]!.speechSyllablesPerSecond!);
      expect(measures[i]!.articulationSyllablesPerSecond!).toBeLessThan(measures[i - 1]!.articulationSyllablesPerSecond!);
    }
    expect(measures.at(-1)!.meanRunSyllables!).toBeLessThanOrEqual(measures[0]!.meanRunSyllables!);
  });

  const clauses = ['My hometown is a small city', 'in the north of Vietnam.', 'I like it', 'because the people are very friendly', 'and the food is delicious.'];
  /** The clauses with a silent break of `ms` after each of the first `count` of them. */
  const withBreaks = (count: number, ms: number) =>
    clauses.map((c, i) => (i < count ? `${c} <break time="${ms}ms"/>` : c)).join(' ');

  it('when more pauses are inserted, then speech rate, length of run and phonation-time ratio fall, and pauses per minute rise', async () => {
    const measures = [];
    for (const count of [0, 2, 4]) measures.push(await fluencyOf(synthesiseWith(withBreaks(count, 800), { speed: 150, ssml: true })));
    for (let i = 1; i < measures.length; i++) {
      const [before, after] = [measures[i - 1]!, measures[i]!];
      expect(after.speechSyllablesPerSecond!).toBeLessThan(before.speechSyllablesPerSecond!);
      expect(after.phonationTimeRatio!).toBeLessThan(before.phonationTimeRatio!);
      expect(after.meanRunSyllables!).toBeLessThan(before.meanRunSyllables!);
      expect(after.pausesPerMinute!).toBeGreaterThan(before.pausesPerMinute!);
    }
    expect(measures[2]!.pauseCount!).toBeGreaterThanOrEqual(4);
  });

  it('when the same pauses are made longer, then they measure longer and speech rate and phonation-time ratio fall', async () => {
    const measures = [];
    for (const ms of [400, 800, 1600]) measures.push(await fluencyOf(synthesiseWith(withBreaks(4, ms), { speed: 150, ssml: true })));
    for (let i = 1; i < measures.length; i++) {
      const [before, after] = [measures[i - 1]!, measures[i]!];
      expect(after.meanPauseSeconds!).toBeGreaterThan(before.meanPauseSeconds!);
      expect(after.speechSyllablesPerSecond!).toBeLessThan(before.speechSyllablesPerSecond!);
      expect(after.phonationTimeRatio!).toBeLessThan(before.phonationTimeRatio!);
    }
    // The 1.6 s breaks come out at about their length (plus the clause's own final silence).
    expect(measures[2]!.longestPauseSeconds!).toBeGreaterThan(1.5);
  });

  it('when the same text is spoken at 100 and 200 words a minute, then the articulation rates are about 2 to 1 (within 15 %)', async () => {
    const slow = await fluencyOf(synthesiseWith(text, { speed: 100 }));
    const fast = await fluencyOf(synthesiseWith(text, { speed: 200 }));
    expect(fast.syllableCount).toBe(slow.syllableCount);
    const ratio = fast.articulationSyllablesPerSecond! / slow.articulationSyllablesPerSecond!;
    expect(ratio).toBeGreaterThan(2 * 0.85);
    expect(ratio).toBeLessThan(2 * 1.15);
  });

  it('when the speaker hesitates with "um" and "uh", then the recogniser writes them and they count as filled pauses, not words', async () => {
    const f = await fluencyOf(synthesiseWith('I think, umm, that, uhh, students should, umm, study abroad.', { speed: 150 }));
    expect(f.filledPauseCount).toBeGreaterThanOrEqual(2);
    // "I think that students should study abroad": 7 words, 10 syllables; the fillers add none.
    expect(f.wordCount).toBeGreaterThanOrEqual(6);
    expect(f.wordCount).toBeLessThanOrEqual(8);
    expect(f.syllableCount).toBeLessThanOrEqual(12);
  });

  // The 2-to-1 check above assumes espeak-ng's own timing scales with the rate it is given.
  it('espeak-ng speaks the fast version in about half the time of the slow one', () => {
    const seconds = (file: string) => Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }));
    const ratio = seconds(synthesiseWith('I like my hometown very much.', { speed: 100 })) / seconds(synthesiseWith('I like my hometown very much.', { speed: 200 }));
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.3);
  });
});
