// The offline recogniser as the transcription activity uses it: real PocketSphinx and ffmpeg
// processes, heartbeats while they work, cancellation, and what happens without a decoder.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { probeAudioFile } from '../../src/speech/audio-format.ts';
import { createTranscriber } from '../../src/speech/index.ts';
import { PocketSphinxTranscriber } from '../../src/speech/pocketsphinx-transcriber.ts';
import { TranscriptionUnavailableError, UnusableAudioError } from '../../src/speech/transcriber.ts';
import { hometownAnswer, synthesise } from '../helpers/speech.ts';

const modelDir = '/usr/share/pocketsphinx/model/en-us';
const recogniser = (ffmpeg: string | null = 'ffmpeg', maxSeconds = 60) =>
  new PocketSphinxTranscriber({ binary: 'pocketsphinx_continuous', modelDir, ffmpeg, maxSeconds });
const input = async (file: string) => ({ path: file, info: await probeAudioFile(file) });

describe('PocketSphinx', () => {
  it('when a long answer is being recognised, then the activity heartbeats while it works, and words come back with timings', async () => {
    let beats = 0;
    const heard = await recogniser().transcribe(await input(synthesise(hometownAnswer)), { heartbeat: () => beats++ });
    expect(beats).toBeGreaterThanOrEqual(1);
    expect(heard.provider).toBe('pocketsphinx');
    expect(heard.words!.length).toBeGreaterThan(30);
    for (const w of heard.words!) {
      expect(w.end).toBeGreaterThan(w.start);
      expect(w.confidence).toBeGreaterThanOrEqual(0);
    }
    expect(heard.text).toBe(heard.words!.map((w) => w.text).join(' '));
    expect(heard.durationSeconds).toBeGreaterThan(20);
  });

  it('when the activity is cancelled, then the recogniser process is stopped and the call ends at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = recogniser().transcribe(await input(synthesise(hometownAnswer)), { heartbeat: () => undefined, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(pending).rejects.toThrow(/stopped by SIGKILL/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('when an MP3 arrives and ffmpeg is missing, then transcription is unavailable (not retried), naming what to install', async () => {
    const error = await recogniser(null).transcribe(await input(synthesise('Hello there.', 'mp3')), { heartbeat: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptionUnavailableError);
    expect((error as Error).message).toMatch(/decoding mp3 needs ffmpeg/);
  });

  it.each([
    ['a WAV', 'wav'],
    ['an OGG', 'ogg'],
  ] as const)('when %s lasts longer than AUDIO_MAX_SECONDS, then it is refused as unusable without being recognised', async (_case, format) => {
    const file = synthesise(hometownAnswer, format);
    const error = await recogniser('ffmpeg', 5).transcribe(await input(file), { heartbeat: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnusableAudioError);
    expect((error as Error).message).toMatch(/longer than the 5 s limit/);
  });

  it('when ffmpeg cannot be started, then the failure is the machine\'s (retried), not the recording\'s', async () => {
    const error = await recogniser('/nonexistent/ffmpeg').transcribe(await input(synthesise('Hello there.', 'mp3')), { heartbeat: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnusableAudioError);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('when ffmpeg runs but cannot decode the bytes, then the recording is unusable', async () => {
    const file = synthesise('Hello there.', 'mp3');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const broken = file.replace(/\.mp3$/, '-broken.mp3');
    const bytes = readFileSync(file);
    writeFileSync(broken, Buffer.concat([bytes.subarray(0, 4), Buffer.alloc(bytes.length - 4, 0x55)]));
    const info = { ...(await probeAudioFile(file)), format: 'mp3' as const };
    const error = await recogniser().transcribe({ path: broken, info }, { heartbeat: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnusableAudioError);
    expect((error as Error).message).toMatch(/could not be decoded|silent/);
  });

  it('when no recogniser is installed and no endpoint is configured, then the platform says so instead of failing obscurely', async () => {
    const config = loadConfig({ APP_ENV: 'test', POCKETSPHINX_PATH: '/nonexistent/pocketsphinx_continuous' });
    const { transcriber, problem } = createTranscriber(config);
    expect(problem).toMatch(/no speech recogniser: .* is not installed/);
    await expect(transcriber.transcribe(await input(synthesise('Hi.')), { heartbeat: () => undefined })).rejects.toBeInstanceOf(TranscriptionUnavailableError);
    expect(createTranscriber(loadConfig({ APP_ENV: 'test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })).transcriber.provider).toBe('openai');
  });
});
