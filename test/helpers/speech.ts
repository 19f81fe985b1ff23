// Spoken answers for tests: speech synthesised with espeak-ng (installed by scripts/setup.sh),
// converted with ffmpeg when another format is wanted, and posted as multipart/form-data.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { GradingMode, Task } from '../../src/domain/scores.ts';
import { pcmWav } from '../../src/testing/wav.ts';
import type { Config } from '../../src/config/env.ts';
import { freePort } from '../../src/embedded/ports.ts';
import { findWhisper, startWhisperServer, type RunningWhisper } from '../../src/embedded/whisper.ts';
import type { TestPlatform } from './platform.ts';
import { bankTask } from './tasks.ts';
import { signedIn, type TestUser } from './users.ts';

export const hometownPrompt = 'Part 1: Talk about your hometown. Where is it, what do you like about it, and would you like to live there in the future?';

/** About 75 words: enough for the Part 1 guide of 60. */
export const hometownAnswer =
  'My hometown is a small city in the north of Vietnam. I like it because the people are very friendly and the food is ' +
  'delicious. For example, every morning my family eats noodle soup near the market. However, there are not many jobs ' +
  'for young people, so many of my friends moved to Hanoi. In the future I would like to live there again, because I ' +
  'think it is a peaceful place to raise a family.';

const scratch = mkdtempSync(path.join(tmpdir(), 'vstep-speech-'));
let counter = 0;

/** Synthesises `text` as speech; returns the file's path. Formats other than WAV go through ffmpeg. */
export function synthesise(text: string, format: 'wav' | 'mp3' | 'ogg' | 'm4a' | 'webm' | 'flac' = 'wav'): string {
  const wav = path.join(scratch, `speech-${++counter}.wav`);
  execFileSync('espeak-ng', ['-s', '140', '-w', wav, text]);
  if (format === 'wav') return wav;
  const out = wav.replace(/\.wav$/, `.${format}`);
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-ac', '1', out]);
  return out;
}

/** Synthesises `text` (SSML when `ssml`) with a given espeak-ng voice and rate in words per minute; returns the WAV's path. */
export function synthesiseWith(text: string, { speed = 140, voice = 'en-us', ssml = false }: { speed?: number; voice?: string; ssml?: boolean }): string {
  const wav = path.join(scratch, `speech-${++counter}.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-s', String(speed), ...(ssml ? ['-m'] : []), '-w', wav, text]);
  return wav;
}

/** A WAV file of `seconds` of digital silence (mono, 16-bit). */
export function silentWav(seconds: number, sampleRate = 16_000): Buffer {
  return pcmWav(Buffer.alloc(Math.round(seconds * sampleRate) * 2), sampleRate);
}

export { pcmWav };

/** A Whisper recogniser of the test's own on a free port, with the configured Python and model. */
export async function startOwnRecogniser(whisper: Config['transcription']['whisper']): Promise<RunningWhisper> {
  const install = findWhisper({ python: whisper.python, modelDir: whisper.modelDir });
  if ('problem' in install) throw new Error(install.problem);
  return startWhisperServer(install, { port: await freePort(), model: whisper.model });
}

export const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'audio', name));

export interface SpeakingForm {
  fields?: Record<string, string>;
  /** The recording: its bytes and the file name the client claims. */
  audio?: { bytes: Buffer; filename: string; type?: string };
  /** More file parts, e.g. a second file or one under another name. */
  extraFiles?: Array<{ field: string; bytes: Buffer; filename: string }>;
}

export function speakingForm({ fields, audio, extraFiles = [] }: SpeakingForm): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields ?? { skill: 'speaking', task: 'part1', prompt: hometownPrompt })) form.append(k, v);
  if (audio) form.append('audio', new Blob([audio.bytes], { type: audio.type ?? 'application/octet-stream' }), audio.filename);
  for (const f of extraFiles) form.append(f.field, new Blob([f.bytes]), f.filename);
  return form;
}

export function postSpeaking(platform: TestPlatform, student: TestUser, form: FormData): Promise<Response> {
  return fetch(`${platform.baseUrl}/submissions`, {
    method: 'POST',
    headers: { authorization: student.headers.authorization! },
    body: form,
  });
}

/** POSTs a speaking answer (the hometown answer as WAV by default); expects 202. */
export async function submitSpeaking(
  platform: TestPlatform,
  { student, file, mode, task = 'part1', prompt = hometownPrompt }: { student?: TestUser; file?: string; mode?: string; task?: string; prompt?: string } = {},
) {
  const author = student ?? (await signedIn(platform, 'student'));
  const audioPath = file ?? synthesise(hometownAnswer);
  // A mode is the task's: with one, the answer is to a bank task with that mode and prompt.
  const fields: Record<string, string> = mode
    ? { taskId: await bankTask(platform, { skill: 'speaking', task: task as Task, prompt, mode: mode as GradingMode }) }
    : { skill: 'speaking', task, prompt };
  const res = await postSpeaking(platform, author, speakingForm({ fields, audio: { bytes: readFileSync(audioPath), filename: path.basename(audioPath) } }));
  expect(res.status, await res.clone().text()).toBe(202);
  const body = (await res.json()) as { id: string; workflowId: string };
  return { ...body, student: author };
}

/** Every file under the audio store's root (incoming uploads included). */
export function storedFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? d.path, d.name));
}
