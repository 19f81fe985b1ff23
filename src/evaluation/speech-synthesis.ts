// Turns the speech set's texts into recordings, one per text and condition, with espeak-ng and
// sox (the recipe in src/evaluation/speech-set.json): the voice and rate, pauses and spoken
// hesitations as SSML, 16 kHz mono at a fixed peak level, and noise mixed in at a given
// signal-to-noise ratio. sox runs repeatable (-R), so the same set gives the same audio.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { countFilledPauses, type SpeechCondition, type SpeechText } from './speech-eval.ts';

const run = promisify(execFile);

export const sampleRate = 16000;
/** Peak level every recording is normalised to, leaving room for the noise. */
const peakDbfs = -6;
/** Silence before and after the speech, seconds. */
const padSeconds = 0.3;
/** A 20 ms frame counts as speech above this RMS (-40 dBFS), as the recogniser's own check. */
const activeFrameRms = 0.01;

export interface SynthesisedRecording {
  path: string;
  seconds: number;
  /** Fillers (um, uh) spoken into it. */
  fillersSpoken: number;
  /** The signal-to-noise ratio measured on the mixed parts, for a noise condition. */
  snrDb: number | null;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What espeak-ng reads: the plain text, or for inserted pauses the hesitant variant as SSML. */
export function spokenText(text: SpeechText, condition: SpeechCondition): { input: string; ssml: boolean } {
  if (condition.pauses === 'none') return { input: text.text, ssml: false };
  const body = text.hesitant
    .split('[pause]')
    .map((part) => escapeXml(part.trim()))
    .join(' <break time="700ms"/> ');
  return { input: `<speak>${body}</speak>`, ssml: true };
}

/** The samples of a 16-bit PCM mono WAV, as -1..1 (reads the fmt and data chunks). */
export async function readMonoWav(file: string): Promise<{ sampleRate: number; samples: Float32Array }> {
  const buf = await readFile(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a WAV file`);
  let offset = 12;
  let rate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const channels = buf.readUInt16LE(body + 2);
      const bits = buf.readUInt16LE(body + 14);
      if (channels !== 1 || bits !== 16) throw new Error(`${file} is not 16-bit mono`);
      rate = buf.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const end = Math.min(buf.length, body + size);
      const samples = new Float32Array(Math.floor((end - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + 2 * i) / 32768;
      return { sampleRate: rate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

/** RMS of the whole signal. */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** RMS over the 20 ms frames louder than -40 dBFS: the speech level, pauses left out. */
export function activeSpeechRms(samples: Float32Array, rate: number): number {
  const frame = Math.round(rate / 50);
  let sum = 0;
  let count = 0;
  for (let start = 0; start + frame <= samples.length; start += frame) {
    let frameSum = 0;
    for (let i = start; i < start + frame; i++) frameSum += samples[i]! * samples[i]!;
    if (Math.sqrt(frameSum / frame) > activeFrameRms) {
      sum += frameSum;
      count += frame;
    }
  }
  return count ? Math.sqrt(sum / count) : 0;
}

const db = (ratio: number) => 20 * Math.log10(ratio);

/**
 * Synthesises one text under one condition into dir as `<condition>--<text>.wav` (16 kHz mono,
 * 16-bit). With noise, the noise is scaled so that active speech RMS over noise RMS is the
 * condition's SNR, then mixed in.
 */
export async function synthesiseCondition(text: SpeechText, condition: SpeechCondition, dir: string): Promise<SynthesisedRecording> {
  const base = path.join(dir, `${condition.id}--${text.id}`);
  const raw = `${base}.espeak.wav`;
  const speech = condition.noise ? `${base}.speech.wav` : `${base}.wav`;
  const { input, ssml } = spokenText(text, condition);
  await run('espeak-ng', ['-v', condition.voice, '-s', String(condition.speed), ...(ssml ? ['-m'] : []), '-w', raw, '--', input]);
  await run('sox', ['-R', raw, '-b', '16', speech, 'channels', '1', 'rate', String(sampleRate), 'pad', String(padSeconds), String(padSeconds), 'norm', String(peakDbfs)]);
  const clean = await readMonoWav(speech);
  const seconds = clean.samples.length / clean.sampleRate;
  const fillersSpoken = condition.pauses === 'inserted' ? countFilledPauses(text.hesitant) : 0;
  if (!condition.noise) return { path: speech, seconds, fillersSpoken, snrDb: null };

  const noise = `${base}.noise.wav`;
  const out = `${base}.wav`;
  await run('sox', ['-R', '-n', '-r', String(sampleRate), '-c', '1', '-b', '16', noise, 'synth', seconds.toFixed(4), `${condition.noise.type}noise`, 'vol', '0.25']);
  const speechLevel = activeSpeechRms(clean.samples, clean.sampleRate);
  const noiseLevel = rms((await readMonoWav(noise)).samples);
  const gain = speechLevel / (noiseLevel * 10 ** (condition.noise.snrDb / 20));
  await run('sox', ['-R', '-m', '-v', '1', speech, '-v', gain.toFixed(6), noise, '-b', '16', out]);
  // Measure what was mixed: the difference between the mix and the speech is the noise as heard.
  const mixed = (await readMonoWav(out)).samples;
  const residual = new Float32Array(Math.min(mixed.length, clean.samples.length));
  for (let i = 0; i < residual.length; i++) residual[i] = mixed[i]! - clean.samples[i]!;
  return { path: out, seconds, fillersSpoken, snrDb: db(speechLevel / rms(residual)) };
}
