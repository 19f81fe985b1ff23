// Linear PCM for the offline recogniser, which reads 16 kHz mono: a WAV read without other tools
// (when ffmpeg, which decodes everything else, is not installed), and whether a recording holds
// any speech at all.
import { open } from 'node:fs/promises';
import waveResampler from 'wave-resampler';
import type { AudioInfo } from './audio-format.ts';

export const recogniserSampleRate = 16_000;

/** True for the WAV encodings decodePcmWav reads: integer PCM of 8-32 bits, or 32-bit float. */
export function isDecodableWav(info: AudioInfo): boolean {
  const pcm = info.pcm;
  return !!pcm && ((pcm.encoding === 1 && [8, 16, 24, 32].includes(pcm.bitsPerSample)) || (pcm.encoding === 3 && pcm.bitsPerSample === 32));
}

/** Reads a WAV file's samples as mono floats in -1..1 at its own sample rate. */
async function readMono(path: string, pcm: NonNullable<AudioInfo['pcm']>): Promise<Float32Array> {
  const file = await open(path, 'r');
  try {
    const data = Buffer.alloc(pcm.dataBytes);
    await file.read(data, 0, data.length, pcm.dataOffset);
    const bytes = pcm.bitsPerSample / 8;
    const frameBytes = bytes * pcm.channels;
    const frames = Math.floor(data.length / frameBytes);
    const out = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < pcm.channels; c++) {
        const at = i * frameBytes + c * bytes;
        if (pcm.encoding === 3) sum += data.readFloatLE(at);
        else if (bytes === 1) sum += (data[at]! - 128) / 128;
        else if (bytes === 2) sum += data.readInt16LE(at) / 32768;
        else if (bytes === 3) sum += data.readIntLE(at, 3) / 8388608;
        else sum += data.readInt32LE(at) / 2147483648;
      }
      out[i] = sum / pcm.channels;
    }
    return out;
  } finally {
    await file.close();
  }
}

/** A WAV file as 16 kHz mono floats; another rate is resampled through a low-pass (windowed sinc), so nothing aliases. */
export async function decodeWavForRecogniser(path: string, info: AudioInfo): Promise<Float32Array> {
  if (!isDecodableWav(info)) throw new Error(`WAV encoding ${info.codec} cannot be decoded here`);
  const samples = await readMono(path, info.pcm!);
  if (info.pcm!.sampleRate === recogniserSampleRate) return samples;
  return Float32Array.from(waveResampler.resample(samples, info.pcm!.sampleRate, recogniserSampleRate, { method: 'sinc', LPF: true }));
}

export function toInt16(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767))), i * 2);
  return out;
}

export function fromInt16(buffer: Buffer): Float32Array {
  const out = new Float32Array(Math.floor(buffer.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = buffer.readInt16LE(i * 2) / 32768;
  return out;
}

/** Frames (30 ms) louder than -40 dBFS count as sound; quieter ones are silence or room noise. */
const frameSeconds = 0.03;
const soundThreshold = 0.01;

export interface LoudnessProfile {
  durationSeconds: number;
  /** Seconds of frames above the sound threshold. */
  soundSeconds: number;
  /** Peak frame level in dBFS. */
  peakDb: number;
}

export function loudness(samples: Float32Array, sampleRate = recogniserSampleRate): LoudnessProfile {
  const frame = Math.max(1, Math.round(sampleRate * frameSeconds));
  let loudFrames = 0;
  let peak = 0;
  for (let start = 0; start < samples.length; start += frame) {
    const end = Math.min(samples.length, start + frame);
    let energy = 0;
    for (let i = start; i < end; i++) energy += samples[i]! * samples[i]!;
    const rms = Math.sqrt(energy / (end - start));
    if (rms > soundThreshold) loudFrames++;
    peak = Math.max(peak, rms);
  }
  return {
    durationSeconds: samples.length / sampleRate,
    soundSeconds: loudFrames * frameSeconds,
    peakDb: peak > 0 ? Math.round(20 * Math.log10(peak) * 10) / 10 : -Infinity,
  };
}

/** Less sound than this and the recording cannot hold an answer. */
export const minimumSoundSeconds = 0.5;
