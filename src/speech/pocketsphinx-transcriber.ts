// Offline speech recognition with CMU PocketSphinx (Debian: pocketsphinx + pocketsphinx-en-us).
// Recordings are decoded and resampled to 16 kHz by ffmpeg when it is installed; without it, PCM
// WAV is read here. The recogniser reports each word with its start, end and posterior
// probability; the confidence is their mean.
// It is a floor for machines without a transcription API: accuracy on accented speech is modest,
// and the confidence it reports says so, so hybrid routing sends such answers to a person.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TimedWord } from './fluency.ts';
import { decodeWavForRecogniser, fromInt16, isDecodableWav, loudness, minimumSoundSeconds, recogniserSampleRate, toInt16 } from './pcm.ts';
import {
  TranscriptionUnavailableError,
  UnusableAudioError,
  type Transcriber,
  type Transcription,
  type TranscriptionContext,
  type TranscriptionInput,
} from './transcriber.ts';

export interface PocketSphinxOptions {
  /** pocketsphinx_continuous; a name is looked up on PATH. */
  binary: string;
  modelDir: string;
  /** ffmpeg, for formats other than PCM WAV; null when absent. */
  ffmpeg: string | null;
  /** Longest recording recognised (AUDIO_MAX_SECONDS); longer ones are refused, never decoded whole. */
  maxSeconds: number;
}

/** A helper process that ran and exited with an error (as opposed to one that could not run or was killed). */
export class ProcessFailedError extends Error {
  override name = 'ProcessFailedError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export const pocketSphinxModel = 'pocketsphinx-en-us';

/** Runs a command to completion, heartbeating while it works; rejects on a non-zero exit. */
function run(command: string, args: string[], context: TranscriptionContext, stdin?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (context.signal?.aborted) {
      reject(new Error(`${path.basename(command)} not started: the activity was cancelled`));
      return;
    }
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const beat = setInterval(context.heartbeat, 2000);
    const abort = () => child.kill('SIGKILL');
    context.signal?.addEventListener('abort', abort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-2000);
    });
    child.on('error', (error) => {
      clearInterval(beat);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(beat);
      context.signal?.removeEventListener('abort', abort);
      const detail = err.trim().split('\n').pop() ?? '';
      if (code === 0) resolve(Buffer.concat(out));
      else if (code !== null) reject(new ProcessFailedError(`${path.basename(command)} exited with ${code}: ${detail}`, code));
      else reject(new Error(`${path.basename(command)} was stopped by ${signal}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

/** Parses `-time yes` output: "word start end probability" lines between hypothesis lines. */
export function parsePocketSphinxOutput(output: string): TimedWord[] {
  const words: TimedWord[] = [];
  for (const line of output.split('\n')) {
    const match = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!match) continue;
    const token = match[1]!;
    // Sentence markers, silences and fillers are not words the student said.
    if (token.startsWith('<') || token.startsWith('[') || token.startsWith('+')) continue;
    words.push({
      text: token.replace(/\(\d+\)$/, ''),
      start: Number(match[2]),
      end: Number(match[3]),
      confidence: Math.min(1, Number(match[4])),
    });
  }
  return words;
}

export class PocketSphinxTranscriber implements Transcriber {
  readonly provider = 'pocketsphinx';

  constructor(private readonly options: PocketSphinxOptions) {}

  /** 16 kHz mono samples: decoded and resampled by ffmpeg where it is installed, else read from a PCM WAV here. */
  private async pcm(input: TranscriptionInput, context: TranscriptionContext): Promise<Float32Array> {
    const tooLong = () =>
      new UnusableAudioError(`the recording is longer than the ${this.options.maxSeconds} s limit`);
    if ((input.info.durationSeconds ?? 0) > this.options.maxSeconds) throw tooLong();
    if (!this.options.ffmpeg) {
      if (isDecodableWav(input.info)) return decodeWavForRecogniser(input.path, input.info);
      throw new TranscriptionUnavailableError(
        `the offline recogniser reads PCM WAV; decoding ${input.info.format} needs ffmpeg, which is not installed`,
      );
    }
    // Decoding stops just past the limit, so a recording that hides its length cannot fill memory.
    const limit = String(this.options.maxSeconds + 1);
    const raw = await run(
      this.options.ffmpeg,
      ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', input.path, '-t', limit, '-ac', '1', '-ar', String(recogniserSampleRate), '-f', 's16le', '-'],
      context,
    ).catch((error: unknown) => {
      // ffmpeg ran and refused the bytes: the recording is the problem. Anything else (it could
      // not start, it was killed) is the machine's problem, and worth retrying.
      if (error instanceof ProcessFailedError) throw new UnusableAudioError(`the recording could not be decoded: ${error.message}`);
      throw error;
    });
    const samples = fromInt16(raw);
    if (samples.length / recogniserSampleRate > this.options.maxSeconds) throw tooLong();
    return samples;
  }

  async transcribe(input: TranscriptionInput, context: TranscriptionContext): Promise<Transcription> {
    const samples = await this.pcm(input, context);
    const sound = loudness(samples);
    if (sound.soundSeconds < minimumSoundSeconds) {
      throw new UnusableAudioError(
        `no speech: the recording is silent (${sound.soundSeconds.toFixed(1)} s above -40 dBFS in ${sound.durationSeconds.toFixed(1)} s; ` +
          `${Number.isFinite(sound.peakDb) ? `loudest ${sound.peakDb} dBFS` : 'digital silence'})`,
      );
    }
    const rawPath = path.join(tmpdir(), `vstep-${randomUUID()}.raw`);
    try {
      await writeFile(rawPath, toInt16(samples));
      const { modelDir } = this.options;
      const output = await run(
        this.options.binary,
        [
          '-infile', rawPath,
          '-samprate', String(recogniserSampleRate),
          '-hmm', path.join(modelDir, 'en-us'),
          '-lm', path.join(modelDir, 'en-us.lm.bin'),
          '-dict', path.join(modelDir, 'cmudict-en-us.dict'),
          '-time', 'yes',
          '-logfn', '/dev/null',
        ],
        context,
      );
      const words = parsePocketSphinxOutput(output.toString('utf8'));
      const confidence = words.length ? words.reduce((sum, w) => sum + (w.confidence ?? 0), 0) / words.length : 0;
      return {
        text: words.map((w) => w.text).join(' '),
        words,
        confidence,
        durationSeconds: samples.length / recogniserSampleRate,
        language: 'en',
        provider: this.provider,
        model: pocketSphinxModel,
      };
    } finally {
      await rm(rawPath, { force: true });
    }
  }
}
