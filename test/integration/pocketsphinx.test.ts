// The offline recogniser as the transcription activity uses it: real PocketSphinx and ffmpeg
// processes, heartbeats while they work, cancellation, and what happens without a decoder.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { probeAudioFile } from '../../src/speech/audio-format.ts';
import { createTranscriber } from '../../src/speech/index.ts';
import { PocketSphinxTranscriber } from '../../src/speech/pocketsphinx-transcriber.ts';
import { TranscriptionUnavailableError } from '../../src/speech/transcriber.ts';
import { hometownAnswer, synthesise } from '../helpers/speech.ts';

const modelDir = '/usr/share/pocketsphinx/model/en-us';
const recogniser = (ffmpeg: string | null = 'ffmpeg') => new PocketSphinxTranscriber({ binary: 'pocketsphinx_continuous', modelDir, ffmpeg });
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
    await expect(pending).rejects.toThrow(/SIGKILL/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('when an MP3 arrives and ffmpeg is missing, then transcription is unavailable (not retried), naming what to install', async () => {
    const error = await recogniser(null).transcribe(await input(synthesise('Hello there.', 'mp3')), { heartbeat: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptionUnavailableError);
    expect((error as Error).message).toMatch(/decoding mp3 needs ffmpeg/);
  });

  it('when no recogniser is installed and no endpoint is configured, then the platform says so instead of failing obscurely', async () => {
    const config = loadConfig({ APP_ENV: 'test', POCKETSPHINX_PATH: '/nonexistent/pocketsphinx_continuous' });
    const { transcriber, problem } = createTranscriber(config);
    expect(problem).toMatch(/no speech recogniser: .* is not installed/);
    await expect(transcriber.transcribe(await input(synthesise('Hi.')), { heartbeat: () => undefined })).rejects.toBeInstanceOf(TranscriptionUnavailableError);
    expect(createTranscriber(loadConfig({ APP_ENV: 'test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })).transcriber.provider).toBe('openai');
  });
});
