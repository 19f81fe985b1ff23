import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioFormatError, mpegFrame, probeAudioFile } from '../../src/speech/audio-format.ts';
import { fixture } from '../helpers/speech.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vstep-probe-'));
let n = 0;
function file(bytes: Buffer): string {
  const p = path.join(dir, `f${++n}`);
  writeFileSync(p, bytes);
  return p;
}
const problemOf = (bytes: Buffer) => probeAudioFile(file(bytes)).then(() => 'accepted', (e: AudioFormatError) => e.problem);

describe('recognising audio from its bytes', () => {
  it.each([
    ['speech.wav', 'wav', 'pcm'],
    ['speech.mp3', 'mp3', 'mp3'],
    ['speech.m4a', 'mp4', 'aac'],
    ['speech.ogg', 'ogg', 'opus'],
    ['speech-vorbis.ogg', 'ogg', 'vorbis'],
    ['speech.webm', 'webm', 'opus'],
    ['speech.flac', 'flac', 'flac'],
  ])('when the file is %s, then it is %s (%s) and its duration is read from the container', async (name, format, codec) => {
    const info = await probeAudioFile(file(fixture(name)));
    expect(info.format).toBe(format);
    expect(info.codec).toBe(codec);
    // 3.82 s of speech; MP3 rounds up to whole frames.
    expect(info.durationSeconds).toBeGreaterThan(3.8);
    expect(info.durationSeconds).toBeLessThan(4);
  });

  it('when a browser recorded the answer (live WebM, sizes unknown, no duration), then it is accepted as WebM', async () => {
    const info = await probeAudioFile(file(fixture('recorded.webm')));
    expect(info).toMatchObject({ format: 'webm', mimeType: 'audio/webm', durationSeconds: null });
  });

  it('when a WAV is read, then its PCM layout is known, so it can be decoded without other tools', async () => {
    const info = await probeAudioFile(file(fixture('speech.wav')));
    expect(info.pcm).toEqual({ sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: 1, dataOffset: 78, dataBytes: 122304 });
  });

  it.each([
    ['speech.wav', 60_000],
    ['speech.mp3', 8_050],
    ['speech.m4a', 18_000],
    ['speech.ogg', 7_000],
    ['speech-vorbis.ogg', 14_000],
    ['speech.webm', 200],
  ])('when %s is cut off after %i bytes, then it is reported as truncated', async (name, length) => {
    expect(await problemOf(fixture(name).subarray(0, length))).toBe('truncated');
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'empty'],
    ['plain text', Buffer.from('hello, this is not a recording'), 'unsupported'],
    ['a PNG image', Buffer.from('89504e470d0a1a0a', 'hex'), 'unsupported'],
    ['random bytes', Buffer.from([0x13, 0x37, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05]), 'unsupported'],
    ['an ID3 tag with no audio after it', Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x02', 'latin1'), Buffer.alloc(12)]), 'unsupported'],
    ['a WAV whose data chunk comes before its format', Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEdata\x04\x00\x00\x00', 'latin1'), Buffer.alloc(4)]), 'corrupt'],
  ])('when the file is %s, then it is refused as %s', async (_case, bytes, problem) => {
    expect(await problemOf(bytes)).toBe(problem);
  });

  it.each([
    ['a one-byte file', Buffer.from([0xff]), 'unsupported'],
    ['three bytes of text', Buffer.from('abc'), 'unsupported'],
    ['an HEIC photo', Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic', 'latin1'), Buffer.alloc(16)]), 'unsupported'],
    ['an extensible WAV whose format header is cut short', Buffer.concat([Buffer.from('RIFF\x40\x00\x00\x00WAVEfmt \x28\x00\x00\x00\xfe\xff\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00', 'latin1')]), 'corrupt'],
    ['an MP3 with other bytes after two frames', Buffer.concat([fixture('speech.mp3').subarray(0, 45 + 400), Buffer.from('junk'), fixture('speech.mp3').subarray(45 + 400)]), 'corrupt'],
  ])('when the file is %s, then it is refused as %s, never crashing the parser', async (_case, bytes, problem) => {
    expect(await problemOf(bytes)).toBe(problem);
  });

  it('when an MP3 is cut off inside its ID3 tag, or holds only the tag, then it is truncated or not audio', async () => {
    const tag = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x27\x2b', 'latin1'), Buffer.alloc(5035)]);
    expect(await problemOf(Buffer.concat([tag, fixture('speech.mp3')]).subarray(0, 3000))).toBe('truncated');
    const error = await probeAudioFile(file(Buffer.concat([tag, Buffer.from('not audio at all')]))).catch((e: unknown) => e);
    expect((error as AudioFormatError).message).toMatch(/starts with an ID3 tag but holds no MPEG audio/);
  });

  it('when an OGG file holds video and no audio, then it is refused as unsupported', async () => {
    const error = await probeAudioFile(file(fixture('video-only.ogv'))).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'unsupported', message: expect.stringMatching(/holds no audio stream/) });
  });

  it('when an MP3 ends with an ID3v1 tag, then the tag is allowed', async () => {
    const tag = Buffer.concat([Buffer.from('TAG', 'latin1'), Buffer.alloc(125)]);
    expect((await probeAudioFile(file(Buffer.concat([fixture('speech.mp3'), tag])))).format).toBe('mp3');
  });

  it('when a WAV header claims a byte rate that does not match its samples, then the duration follows the samples', async () => {
    const forged = Buffer.from(fixture('speech.wav'));
    forged.writeUInt32LE(32_000 * 100, 28); // byte rate at offset 28: claims 100x the real rate
    expect((await probeAudioFile(file(forged))).durationSeconds).toBeCloseTo(3.82, 2);
  });

  it('when a Matroska file that is not WebM arrives, then it is refused as unsupported', async () => {
    const webm = Buffer.from(fixture('speech.webm'));
    const at = webm.indexOf('webm', 0, 'latin1');
    webm.write('mkv\x00', at, 'latin1');
    const error = await probeAudioFile(file(webm)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as AudioFormatError).message).toMatch(/not WebM/);
  });

  it('when MPEG frame headers are read, then lengths follow the standard tables', () => {
    // MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding: 417 bytes, 1152 samples.
    expect(mpegFrame(Buffer.from([0xff, 0xfb, 0x90, 0x00]))).toEqual({ length: 417, samples: 1152, sampleRate: 44100 });
    // MPEG-2 layer III, 32 kbit/s, 16 kHz, padded: 145 bytes, 576 samples.
    expect(mpegFrame(Buffer.from([0xff, 0xf3, 0x48, 0x00]))).toEqual({ length: 144, samples: 576, sampleRate: 16000 });
    expect(mpegFrame(Buffer.from([0xff, 0xf3, 0x4a, 0x00]))).toEqual({ length: 145, samples: 576, sampleRate: 16000 });
    // Reserved version, bad bitrate index: not a frame.
    expect(mpegFrame(Buffer.from([0xff, 0xeb, 0x90, 0x00]))).toBeNull();
    expect(mpegFrame(Buffer.from([0xff, 0xfb, 0xf0, 0x00]))).toBeNull();
  });
});
