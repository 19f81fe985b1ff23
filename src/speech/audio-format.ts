// Recognises an uploaded audio file from its bytes (never from its name or declared type) and
// checks that its container is whole: WAV, MP3, M4A/MP4, OGG (Opus/Vorbis), WebM and FLAC, the
// formats OpenAI's transcription API accepts. Each parser walks the container's structure far
// enough to find the duration and to notice a file that was cut off.
import { open, type FileHandle } from 'node:fs/promises';

export const audioFormats = ['wav', 'mp3', 'mp4', 'ogg', 'webm', 'flac'] as const;
export type AudioFormat = (typeof audioFormats)[number];

export const mimeTypes: Record<AudioFormat, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  mp4: 'audio/mp4',
  ogg: 'audio/ogg',
  webm: 'audio/webm',
  flac: 'audio/flac',
};

/** File extensions the transcription provider uses to recognise each format. */
export const extensions: Record<AudioFormat, string> = { wav: 'wav', mp3: 'mp3', mp4: 'm4a', ogg: 'ogg', webm: 'webm', flac: 'flac' };

export interface AudioInfo {
  format: AudioFormat;
  mimeType: string;
  /** Seconds of audio, when the container records it (live WebM recordings often do not). */
  durationSeconds: number | null;
  /** For WAV: the PCM layout, so WAV can be decoded without other tools. */
  pcm?: { sampleRate: number; channels: number; bitsPerSample: number; encoding: number; dataOffset: number; dataBytes: number };
  /** Codec inside the container, where it is named (opus, vorbis, ...). */
  codec?: string;
}

export type AudioProblem = 'empty' | 'unsupported' | 'truncated' | 'corrupt';

export class AudioFormatError extends Error {
  override name = 'AudioFormatError';
  constructor(
    readonly problem: AudioProblem,
    message: string,
  ) {
    super(message);
  }
}

const accepted = 'WAV, MP3, M4A/MP4, OGG/Opus, WebM or FLAC';

/** Random access to the file through a 1 MiB window, so walking frames or pages stays cheap. */
class Bytes {
  private window = Buffer.alloc(0);
  private windowStart = 0;
  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  async at(offset: number, length: number): Promise<Buffer> {
    const end = Math.min(offset + length, this.size);
    if (offset < 0 || offset >= end) return Buffer.alloc(0);
    if (offset < this.windowStart || end > this.windowStart + this.window.length) {
      const size = Math.max(end - offset, 1 << 20);
      const buffer = Buffer.alloc(Math.min(size, this.size - offset));
      const { bytesRead } = await this.file.read(buffer, 0, buffer.length, offset);
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = offset;
    }
    return this.window.subarray(offset - this.windowStart, end - this.windowStart);
  }
}

const truncated = (what: string) => new AudioFormatError('truncated', `The ${what} file is incomplete: it ends before its own structure does (was the upload cut off?).`);
const corrupt = (what: string, detail: string) => new AudioFormatError('corrupt', `The ${what} file is damaged: ${detail}.`);

async function probeWav(b: Bytes): Promise<AudioInfo> {
  let offset = 12;
  let fmt: { encoding: number; channels: number; sampleRate: number; byteRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= b.size) {
    const header = await b.at(offset, 8);
    const id = header.toString('latin1', 0, 4);
    let size = header.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > b.size) throw truncated('WAV');
      const f = await b.at(body, 16);
      let encoding = f.readUInt16LE(0);
      if (encoding === 0xfffe && size >= 40) encoding = (await b.at(body + 24, 2)).readUInt16LE(0); // WAVE_FORMAT_EXTENSIBLE
      fmt = { encoding, channels: f.readUInt16LE(2), sampleRate: f.readUInt32LE(4), byteRate: f.readUInt32LE(8), bitsPerSample: f.readUInt16LE(14) };
      if (!fmt.channels || !fmt.sampleRate || !fmt.byteRate) throw corrupt('WAV', 'its format header is empty');
    } else if (id === 'data') {
      if (!fmt) throw corrupt('WAV', 'the audio data comes before its format header');
      // Streaming writers leave the size unset (0 or 0xFFFFFFFF): the data runs to the end.
      if (size === 0 || size === 0xffffffff) size = b.size - body;
      if (body + size > b.size) throw truncated('WAV');
      if (size === 0) throw new AudioFormatError('empty', 'The WAV file contains no audio samples.');
      // For PCM the length follows from the sample layout the decoder uses, not from the
      // header's byte rate, which a client could set to anything.
      const linear = fmt.encoding === 1 || fmt.encoding === 3;
      const frameBytes = fmt.channels * Math.ceil(fmt.bitsPerSample / 8);
      return {
        format: 'wav',
        mimeType: mimeTypes.wav,
        durationSeconds: linear && frameBytes > 0 ? size / (fmt.sampleRate * frameBytes) : size / fmt.byteRate,
        pcm: { sampleRate: fmt.sampleRate, channels: fmt.channels, bitsPerSample: fmt.bitsPerSample, encoding: fmt.encoding, dataOffset: body, dataBytes: size },
        codec: fmt.encoding === 1 ? 'pcm' : fmt.encoding === 3 ? 'float' : `wave-format-${fmt.encoding}`,
      };
    }
    offset = body + size + (size % 2);
  }
  throw truncated('WAV');
}

async function probeFlac(b: Bytes): Promise<AudioInfo> {
  let offset = 4;
  let durationSeconds: number | null = null;
  for (let last = false; !last; ) {
    const header = await b.at(offset, 4);
    if (header.length < 4) throw truncated('FLAC');
    last = (header[0]! & 0x80) !== 0;
    const type = header[0]! & 0x7f;
    const length = header.readUIntBE(1, 3);
    if (offset + 4 + length > b.size) throw truncated('FLAC');
    if (type === 0) {
      const info = await b.at(offset + 4, 18);
      const sampleRate = (info[10]! << 12) | (info[11]! << 4) | (info[12]! >> 4);
      const totalSamples = (info[13]! & 0x0f) * 2 ** 32 + info.readUInt32BE(14);
      if (sampleRate > 0 && totalSamples > 0) durationSeconds = totalSamples / sampleRate;
    }
    offset += 4 + length;
  }
  const sync = await b.at(offset, 2);
  if (sync.length < 2) throw truncated('FLAC');
  if (sync[0] !== 0xff || (sync[1]! & 0xfe) !== 0xf8) throw corrupt('FLAC', 'no audio frame follows the metadata');
  return { format: 'flac', mimeType: mimeTypes.flac, durationSeconds, codec: 'flac' };
}

const mp3Bitrates = {
  v1: [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const mp3SampleRates = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] } as Record<number, number[]>;

/** One MPEG audio frame header: its length in bytes and the samples it holds, or null. */
export function mpegFrame(h: Buffer): { length: number; samples: number; sampleRate: number } | null {
  if (h.length < 4 || h[0] !== 0xff || (h[1]! & 0xe0) !== 0xe0) return null;
  const version = (h[1]! >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = (h[1]! >> 1) & 3; // 3: layer I, 2: layer II, 1: layer III
  const bitrateIndex = h[2]! >> 4;
  const rateIndex = (h[2]! >> 2) & 3;
  if (version === 1 || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const padding = (h[2]! >> 1) & 1;
  const table = version === 3 ? mp3Bitrates.v1 : mp3Bitrates.v2;
  const bitrate = table[3 - layer]![bitrateIndex]! * 1000;
  const sampleRate = mp3SampleRates[version]![rateIndex]!;
  if (layer === 3) return { length: Math.floor((12 * bitrate) / sampleRate + padding) * 4, samples: 384, sampleRate };
  const samples = layer === 1 && version !== 3 ? 576 : 1152;
  return { length: Math.floor((samples / 8) * bitrate / sampleRate) + padding, samples, sampleRate };
}

async function probeMp3(b: Bytes): Promise<AudioInfo> {
  let offset = 0;
  const head = await b.at(0, 10);
  if (head.toString('latin1', 0, 3) === 'ID3') {
    const tagSize = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    offset = 10 + tagSize + ((head[5]! & 0x10) !== 0 ? 10 : 0);
    if (offset >= b.size) throw truncated('MP3');
  }
  let frames = 0;
  let samples = 0;
  let sampleRate = 0;
  for (;;) {
    const frame = mpegFrame(await b.at(offset, 4));
    if (!frame) break; // trailing tags (ID3v1, APE) or the end of the file
    if (offset + frame.length > b.size) throw truncated('MP3');
    frames++;
    samples += frame.samples;
    sampleRate = frame.sampleRate;
    offset += frame.length;
    if (offset === b.size) break;
  }
  if (frames === 0) throw new AudioFormatError('unsupported', `The file starts with an ID3 tag but holds no MPEG audio; upload ${accepted}.`);
  if (offset < b.size && !(await isMp3Trailer(await b.at(offset, b.size - offset)))) {
    throw corrupt('MP3', `bytes after ${(samples / sampleRate).toFixed(1)} s of audio are not MPEG audio frames`);
  }
  return { format: 'mp3', mimeType: mimeTypes.mp3, durationSeconds: samples / sampleRate, codec: 'mp3' };
}

/** What may follow the last MPEG frame: tags (ID3v1, APEv2, Lyrics3) or zero padding. */
async function isMp3Trailer(rest: Buffer): Promise<boolean> {
  const text = rest.toString('latin1', 0, 11);
  if (text.startsWith('TAG') && rest.length === 128) return true;
  if (text.startsWith('APETAGEX') || text.startsWith('LYRICSBEGIN')) return true;
  return rest.every((byte) => byte === 0);
}

/** ISO-BMFF brands of still images (HEIF, AVIF) and camera raw files: same container, not audio. */
const imageBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis', 'crx ']);

async function probeMp4(b: Bytes): Promise<AudioInfo> {
  const brand = (await b.at(8, 4)).toString('latin1');
  if (imageBrands.has(brand)) throw new AudioFormatError('unsupported', `The uploaded file is an image (${brand.trim()}), not audio; upload ${accepted}.`);
  let offset = 0;
  let durationSeconds: number | null = null;
  let sawMoov = false;
  let sawMdat = false;
  while (offset + 8 <= b.size) {
    const header = await b.at(offset, 16);
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerLength = 8;
    if (size === 1) {
      if (header.length < 16) throw truncated('MP4');
      size = Number(header.readBigUInt64BE(8));
      headerLength = 16;
    } else if (size === 0) {
      size = b.size - offset;
    }
    if (size < headerLength) throw corrupt('MP4', `box "${type}" has an impossible size`);
    if (offset + size > b.size) throw truncated('MP4');
    if (type === 'moov') {
      sawMoov = true;
      durationSeconds = await mvhdDuration(b, offset + headerLength, offset + size);
    }
    if (type === 'mdat') sawMdat = true;
    offset += size;
  }
  if (offset !== b.size) throw truncated('MP4');
  if (!sawMoov) throw truncated('MP4');
  if (!sawMdat) throw new AudioFormatError('empty', 'The MP4 file contains no media data.');
  return { format: 'mp4', mimeType: mimeTypes.mp4, durationSeconds };
}

async function mvhdDuration(b: Bytes, start: number, end: number): Promise<number | null> {
  for (let offset = start; offset + 8 <= end; ) {
    const header = await b.at(offset, 8);
    const size = header.readUInt32BE(0);
    if (header.toString('latin1', 4, 8) === 'mvhd') {
      const body = await b.at(offset + 8, 32);
      const v1 = body[0] === 1;
      const timescale = body.readUInt32BE(v1 ? 20 : 12);
      const duration = v1 ? Number(body.readBigUInt64BE(24)) : body.readUInt32BE(16);
      return timescale > 0 ? duration / timescale : null;
    }
    if (size < 8) return null;
    offset += size;
  }
  return null;
}

async function probeOgg(b: Bytes): Promise<AudioInfo> {
  let offset = 0;
  let codec = 'unknown';
  let rate = 0;
  let preSkip = 0;
  let lastGranule = 0n;
  for (let page = 0; offset < b.size; page++) {
    const header = await b.at(offset, 27);
    if (header.length < 27) throw truncated('OGG');
    if (header.toString('latin1', 0, 4) !== 'OggS') throw corrupt('OGG', `page ${page} does not start where the previous one ended`);
    const segments = header[26]!;
    const table = await b.at(offset + 27, segments);
    if (table.length < segments) throw truncated('OGG');
    const bodyLength = table.reduce((sum, n) => sum + n, 0);
    const bodyStart = offset + 27 + segments;
    if (bodyStart + bodyLength > b.size) throw truncated('OGG');
    const granule = header.readBigInt64LE(6);
    if (granule > 0n) lastGranule = granule;
    if (page === 0) {
      const body = await b.at(bodyStart, Math.min(bodyLength, 64));
      if (body.length >= 19 && body.toString('latin1', 0, 8) === 'OpusHead') {
        codec = 'opus';
        rate = 48_000; // Opus granules always count 48 kHz samples
        preSkip = body.readUInt16LE(10);
      } else if (body.length >= 16 && body.toString('latin1', 1, 7) === 'vorbis') {
        codec = 'vorbis';
        rate = body.readUInt32LE(12);
      } else if (body.length >= 30 && body.toString('latin1', 1, 5) === 'FLAC') {
        codec = 'flac';
        rate = ((body[27]! << 12) | (body[28]! << 4) | (body[29]! >> 4)) || 0;
      } else if (body.length >= 40 && body.toString('latin1', 0, 5) === 'Speex') {
        codec = 'speex';
        rate = body.readUInt32LE(36);
      }
    }
    offset = bodyStart + bodyLength;
  }
  if (codec === 'unknown') throw new AudioFormatError('unsupported', `The OGG file holds no audio stream this service can read; upload ${accepted}.`);
  const durationSeconds = rate > 0 && lastGranule > 0n ? Math.max(0, Number(lastGranule) - preSkip) / rate : null;
  return { format: 'ogg', mimeType: mimeTypes.ogg, durationSeconds, codec };
}

/** An EBML variable-length integer: its value (null when "unknown size") and its length. */
function vint(buffer: Buffer, at: number, keepMarker = false): { value: number | null; length: number } | null {
  const first = buffer[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 8 || at + length > buffer.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let i = 1; i < length; i++) {
    value = value * 256 + buffer[at + i]!;
    if (buffer[at + i] !== 0xff) allOnes = false;
  }
  return { value: !keepMarker && allOnes ? null : value, length };
}

async function probeWebm(b: Bytes): Promise<AudioInfo> {
  const head = await b.at(0, 64);
  const headerSize = vint(head, 4);
  if (!headerSize || headerSize.value === null) throw corrupt('WebM', 'its EBML header is unreadable');
  const headerEnd = 4 + headerSize.length + headerSize.value;
  if (headerEnd > b.size) throw truncated('WebM');
  const header = await b.at(0, headerEnd);
  let docType = '';
  for (let at = 4 + headerSize.length; at < headerEnd; ) {
    const id = vint(header, at, true);
    const size = id && vint(header, at + id.length);
    if (!id || !size || size.value === null) throw corrupt('WebM', 'its EBML header is unreadable');
    const body = at + id.length + size.length;
    if (id.value === 0x4282) docType = header.toString('latin1', body, body + size.value);
    at = body + size.value;
  }
  if (docType !== 'webm') {
    throw new AudioFormatError('unsupported', `The file is a ${docType || 'Matroska'} container, not WebM; upload ${accepted}.`);
  }
  const segmentHead = await b.at(headerEnd, 12);
  const segmentId = vint(segmentHead, 0, true);
  if (!segmentId) throw truncated('WebM');
  if (segmentId.value !== 0x18538067) throw corrupt('WebM', 'the header is not followed by a segment');
  const segmentSize = vint(segmentHead, segmentId.length);
  if (!segmentSize) throw truncated('WebM');
  const segmentStart = headerEnd + segmentId.length + segmentSize.length;
  if (segmentSize.value !== null && segmentStart + segmentSize.value > b.size) throw truncated('WebM');

  // Walk the segment's children up to the first cluster of audio, reading Info for the duration.
  let durationSeconds: number | null = null;
  for (let at = segmentStart; ; ) {
    const element = await b.at(at, 12);
    const id = vint(element, 0, true);
    const size = id && vint(element, id.length);
    if (!id || !size) throw truncated('WebM');
    const body = at + id.length + size.length;
    if (id.value === 0x1f43b675) break; // Cluster: media follows
    if (size.value === null) throw corrupt('WebM', 'an element of unknown size precedes the audio');
    if (body + size.value > b.size) throw truncated('WebM');
    if (id.value === 0x1549a966) durationSeconds = await webmDuration(await b.at(body, size.value));
    at = body + size.value;
  }
  return { format: 'webm', mimeType: mimeTypes.webm, durationSeconds, codec: undefined };
}

async function webmDuration(info: Buffer): Promise<number | null> {
  let scale = 1_000_000;
  let duration: number | null = null;
  for (let at = 0; at < info.length; ) {
    const id = vint(info, at, true);
    const size = id && vint(info, at + id.length);
    if (!id || !size || size.value === null) break;
    const body = at + id.length + size.length;
    if (id.value === 0x2ad7b1) scale = info.readUIntBE(body, Math.min(size.value, 6));
    if (id.value === 0x4489) duration = size.value === 4 ? info.readFloatBE(body) : size.value === 8 ? info.readDoubleBE(body) : null;
    at = body + size.value;
  }
  return duration === null ? null : (duration * scale) / 1e9;
}

/** Names a few common non-audio files, so a rejection can say what was sent. */
function describeOther(head: Buffer): string {
  const signatures: Array<[string, string]> = [
    ['\x89PNG', 'a PNG image'],
    ['\xff\xd8\xff', 'a JPEG image'],
    ['GIF8', 'a GIF image'],
    ['%PDF', 'a PDF document'],
    ['PK\x03\x04', 'a ZIP archive'],
  ];
  const latin = head.toString('latin1');
  for (const [magic, name] of signatures) if (latin.startsWith(magic)) return name;
  if (latin.startsWith('RIFF') && latin.slice(8, 12) !== 'WAVE') return `a RIFF ${latin.slice(8, 12).trim() || 'file'} (not WAVE audio)`;
  if (head.length > 0 && [...head].every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128)) return 'text';
  return 'an unrecognised format';
}

/** A header field read past the bytes there are: the file claims more structure than it has. */
async function guarded(what: string, probe: Promise<AudioInfo>): Promise<AudioInfo> {
  try {
    return await probe;
  } catch (error) {
    if (error instanceof RangeError) throw corrupt(what, 'a header is shorter than it declares');
    throw error;
  }
}

/** Identifies the file at `path` by its bytes; throws AudioFormatError with a readable message. */
export async function probeAudioFile(path: string): Promise<AudioInfo> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) throw new AudioFormatError('empty', 'The audio file is empty.');
    const bytes = new Bytes(file, size);
    const head = await bytes.at(0, 16);
    const latin = head.toString('latin1');
    if (latin.startsWith('RIFF') && latin.slice(8, 12) === 'WAVE') return await guarded('WAV', probeWav(bytes));
    if (latin.startsWith('fLaC')) return await guarded('FLAC', probeFlac(bytes));
    if (latin.startsWith('OggS')) return await guarded('OGG', probeOgg(bytes));
    if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return await guarded('WebM', probeWebm(bytes));
    if (head.length >= 12 && latin.slice(4, 8) === 'ftyp') return await guarded('MP4', probeMp4(bytes));
    if (latin.startsWith('ID3') || mpegFrame(head)) return await guarded('MP3', probeMp3(bytes));
    throw new AudioFormatError('unsupported', `The uploaded file is ${describeOther(head)}, not audio; upload ${accepted}.`);
  } finally {
    await file.close();
  }
}
