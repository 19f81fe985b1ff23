// Recognises an uploaded audio file from its bytes (never from its name or declared type): WAV,
// MP3, M4A/MP4, OGG (Opus/Vorbis), WebM and FLAC, the formats OpenAI's transcription API accepts.
// music-metadata reads the container, the codec and the duration (a WAV's comes from its sample
// layout, which the decoder uses too); what it does not check is whether the file is whole, so
// each container's structure is walked here far enough to notice a file that was cut off (or
// padded with something that is not audio).
import { open, type FileHandle } from 'node:fs/promises';
import { parseFile, type IAudioMetadata } from 'music-metadata';

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
  /** Codec inside the container (pcm, mp3, aac, opus, vorbis, flac), when known. */
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
const names: Record<AudioFormat, string> = { wav: 'WAV', mp3: 'MP3', mp4: 'MP4', ogg: 'OGG', webm: 'WebM', flac: 'FLAC' };

const truncated = (f: AudioFormat) => new AudioFormatError('truncated', `The ${names[f]} file is incomplete: it ends before its own structure does (was the upload cut off?).`);
const corrupt = (f: AudioFormat, detail: string) => new AudioFormatError('corrupt', `The ${names[f]} file is damaged: ${detail}.`);
const unsupported = (what: string) => new AudioFormatError('unsupported', `The uploaded file is ${what}, not audio; upload ${accepted}.`);

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
      const buffer = Buffer.alloc(Math.min(Math.max(end - offset, 1 << 20), this.size - offset));
      const { bytesRead } = await this.file.read(buffer, 0, buffer.length, offset);
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = offset;
    }
    return this.window.subarray(offset - this.windowStart, end - this.windowStart);
  }
}

/** RIFF chunks up to the data chunk, which must be there in full; its PCM layout and length. */
async function wholeWav(b: Bytes): Promise<Pick<AudioInfo, 'pcm' | 'durationSeconds'>> {
  let fmt: { encoding: number; channels: number; sampleRate: number; byteRate: number; bitsPerSample: number } | undefined;
  for (let offset = 12; offset + 8 <= b.size; ) {
    const header = await b.at(offset, 8);
    const id = header.toString('latin1', 0, 4);
    let size = header.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > b.size) throw truncated('wav');
      const f = await b.at(body, 16);
      let encoding = f.readUInt16LE(0);
      if (encoding === 0xfffe && size >= 40) encoding = (await b.at(body + 24, 2)).readUInt16LE(0); // WAVE_FORMAT_EXTENSIBLE
      fmt = { encoding, channels: f.readUInt16LE(2), sampleRate: f.readUInt32LE(4), byteRate: f.readUInt32LE(8), bitsPerSample: f.readUInt16LE(14) };
      if (!fmt.channels || !fmt.sampleRate || !fmt.byteRate) throw corrupt('wav', 'its format header is empty');
    } else if (id === 'data') {
      if (!fmt) throw corrupt('wav', 'the audio data comes before its format header');
      // Streaming writers leave the size unset (0 or 0xFFFFFFFF): the data runs to the end.
      if (size === 0 || size === 0xffffffff) size = b.size - body;
      if (body + size > b.size) throw truncated('wav');
      if (size === 0) throw new AudioFormatError('empty', 'The WAV file contains no audio samples.');
      // For PCM the length follows from the sample layout the decoder uses, not from the
      // header's byte rate, which a client could set to anything.
      const frameBytes = fmt.channels * Math.ceil(fmt.bitsPerSample / 8);
      const linear = (fmt.encoding === 1 || fmt.encoding === 3) && frameBytes > 0;
      return {
        durationSeconds: linear ? size / (fmt.sampleRate * frameBytes) : size / fmt.byteRate,
        pcm: { sampleRate: fmt.sampleRate, channels: fmt.channels, bitsPerSample: fmt.bitsPerSample, encoding: fmt.encoding, dataOffset: body, dataBytes: size },
      };
    }
    offset = body + size + (size % 2);
  }
  throw truncated('wav');
}

/** Metadata blocks, then the first audio frame's sync code. */
async function wholeFlac(b: Bytes): Promise<void> {
  let offset = 4;
  for (let last = false; !last; offset += 4 + (await b.at(offset + 1, 3)).readUIntBE(0, 3)) {
    const header = await b.at(offset, 4);
    if (header.length < 4 || offset + 4 + header.readUIntBE(1, 3) > b.size) throw truncated('flac');
    last = (header[0]! & 0x80) !== 0;
  }
  const sync = await b.at(offset, 2);
  if (sync.length < 2) throw truncated('flac');
  if (sync[0] !== 0xff || (sync[1]! & 0xfe) !== 0xf8) throw corrupt('flac', 'no audio frame follows the metadata');
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
  const bitrate = (version === 3 ? mp3Bitrates.v1 : mp3Bitrates.v2)[3 - layer]![bitrateIndex]! * 1000;
  const sampleRate = mp3SampleRates[version]![rateIndex]!;
  if (layer === 3) return { length: Math.floor((12 * bitrate) / sampleRate + padding) * 4, samples: 384, sampleRate };
  const samples = layer === 1 && version !== 3 ? 576 : 1152;
  return { length: Math.floor(((samples / 8) * bitrate) / sampleRate) + padding, samples, sampleRate };
}

/** Frames after the ID3 tag, each whole, up to the end or to trailing tags (ID3v1, APE, Lyrics3) or zero padding. */
async function wholeMp3(b: Bytes): Promise<void> {
  let offset = 0;
  const head = await b.at(0, 10);
  if (head.toString('latin1', 0, 3) === 'ID3') {
    offset = 10 + (((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f)) + ((head[5]! & 0x10) !== 0 ? 10 : 0);
    if (offset >= b.size) throw truncated('mp3');
  }
  let frames = 0;
  let seconds = 0;
  for (let frame = mpegFrame(await b.at(offset, 4)); frame && offset < b.size; frame = mpegFrame(await b.at(offset, 4))) {
    if (offset + frame.length > b.size) throw truncated('mp3');
    offset += frame.length;
    frames += 1;
    seconds += frame.samples / frame.sampleRate;
  }
  if (frames === 0) throw new AudioFormatError('unsupported', `The file starts with an ID3 tag but holds no MPEG audio; upload ${accepted}.`);
  if (offset >= b.size) return;
  const rest = await b.at(offset, b.size - offset);
  const text = rest.toString('latin1', 0, 11);
  const trailer = (text.startsWith('TAG') && rest.length === 128) || text.startsWith('APETAGEX') || text.startsWith('LYRICSBEGIN') || rest.every((byte) => byte === 0);
  if (!trailer) throw corrupt('mp3', `bytes after ${seconds.toFixed(1)} s of audio are not MPEG audio frames`);
}

/** Top-level boxes, each whole, with the movie header and the media data among them. */
async function wholeMp4(b: Bytes): Promise<void> {
  const seen = new Set<string>();
  let offset = 0;
  while (offset + 8 <= b.size) {
    const header = await b.at(offset, 16);
    const type = header.toString('latin1', 4, 8);
    let size = header.readUInt32BE(0);
    let headerLength = 8;
    if (size === 1) {
      if (header.length < 16) throw truncated('mp4');
      [size, headerLength] = [Number(header.readBigUInt64BE(8)), 16];
    } else if (size === 0) {
      size = b.size - offset;
    }
    if (size < headerLength) throw corrupt('mp4', `box "${type}" has an impossible size`);
    if (offset + size > b.size) throw truncated('mp4');
    seen.add(type);
    offset += size;
  }
  if (offset !== b.size || !seen.has('moov')) throw truncated('mp4');
  if (!seen.has('mdat')) throw new AudioFormatError('empty', 'The MP4 file contains no media data.');
}

/** Pages, each starting where the previous one ended and ending within the file. */
async function wholeOgg(b: Bytes): Promise<void> {
  for (let offset = 0, page = 0; offset < b.size; page++) {
    const header = await b.at(offset, 27);
    if (header.length < 27) throw truncated('ogg');
    if (header.toString('latin1', 0, 4) !== 'OggS') throw corrupt('ogg', `page ${page} does not start where the previous one ended`);
    const table = await b.at(offset + 27, header[26]!);
    if (table.length < header[26]!) throw truncated('ogg');
    offset += 27 + table.length + table.reduce((sum, n) => sum + n, 0);
    if (offset > b.size) throw truncated('ogg');
  }
}

/** An EBML variable-length integer: its value (null when "unknown size") and its length. */
function vint(buffer: Buffer, at: number, keepMarker = false): { value: number | null; length: number } | null {
  const first = buffer[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 8 || at + length > buffer.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + buffer[at + i]!;
    if (buffer[at + i] !== 0xff) allOnes = false;
  }
  return { value: !keepMarker && allOnes ? null : value, length };
}

/** One EBML element at `at`: its id, where its body starts, and its size (null: unknown). */
async function element(b: Bytes, at: number) {
  const bytes = await b.at(at, 12);
  const id = vint(bytes, 0, true);
  const size = id && vint(bytes, id.length);
  if (!id || !size) throw truncated('webm');
  return { id: id.value, body: at + id.length + size.length, size: size.value };
}

/** The EBML header, then the segment's elements up to the first cluster of audio, each whole. */
async function wholeWebm(b: Bytes): Promise<void> {
  const header = await element(b, 0);
  if (header.size === null) throw corrupt('webm', 'its EBML header is unreadable');
  const segmentAt = header.body + header.size;
  if (segmentAt > b.size) throw truncated('webm');
  const segment = await element(b, segmentAt);
  if (segment.id !== 0x18538067) throw corrupt('webm', 'the header is not followed by a segment');
  if (segment.size !== null && segment.body + segment.size > b.size) throw truncated('webm');
  for (let at = segment.body; ; ) {
    const e = await element(b, at);
    if (e.id === 0x1f43b675) return; // Cluster: media follows
    if (e.size === null) throw corrupt('webm', 'an element of unknown size precedes the audio');
    if (e.body + e.size > b.size) throw truncated('webm');
    at = e.body + e.size;
  }
}

/** ISO-BMFF brands of still images (HEIF, AVIF) and camera raw files: the MP4 container, not audio. */
const imageBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis', 'crx ']);

/** Names a few common files that are not audio, so a refusal can say what was sent. */
function describeOther(head: Buffer, guessed?: string): string {
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
  const brand = latin.slice(4, 8) === 'ftyp' ? latin.slice(8, 12) : '';
  if (imageBrands.has(brand)) return `an image (${brand.trim()})`;
  if (guessed) return guessed.startsWith('image/') ? `an image (${guessed.slice(6)})` : `a file of type ${guessed}`;
  if ([...head].every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128)) return 'text';
  return 'an unrecognised format';
}

/** Our format for music-metadata's container name, and a short codec name for its codec. */
function formatOf(metadata: IAudioMetadata): { format: AudioFormat; codec?: string } | null {
  const { container = '', codec = '' } = metadata.format;
  const containers: Array<[RegExp, AudioFormat]> = [[/^WAVE$/, 'wav'], [/^MPEG$/, 'mp3'], [/^FLAC$/, 'flac'], [/^Ogg$/, 'ogg'], [/^EBML\/webm$/, 'webm'], [/^(M4A|mp4|isom|iso\d|3gp)/i, 'mp4']];
  const format = containers.find(([pattern]) => pattern.test(container))?.[1];
  if (!format) return null;
  const codecs: Array<[RegExp, string]> = [[/^PCM$/, 'pcm'], [/Layer 3/, 'mp3'], [/AAC/, 'aac'], [/^opus$/i, 'opus'], [/^Vorbis/, 'vorbis'], [/^FLAC$/, 'flac']];
  return { format, codec: codecs.find(([pattern]) => pattern.test(codec))?.[1] ?? (codec ? codec.toLowerCase() : undefined) };
}

/** The container a file's first bytes announce: enough to tell a cut-off file from one of another kind. */
function announced(head: Buffer): AudioFormat | null {
  const latin = head.toString('latin1');
  if (latin.startsWith('RIFF') && latin.slice(8, 12) === 'WAVE') return 'wav';
  if (latin.startsWith('fLaC')) return 'flac';
  if (latin.startsWith('OggS')) return 'ogg';
  if (latin.startsWith('\x1a\x45\xdf\xa3')) return 'webm';
  if (latin.slice(4, 8) === 'ftyp') return 'mp4';
  return latin.startsWith('ID3') || mpegFrame(head) ? 'mp3' : null;
}

const walkers: Record<AudioFormat, (b: Bytes) => Promise<unknown>> = { wav: wholeWav, mp3: wholeMp3, mp4: wholeMp4, ogg: wholeOgg, webm: wholeWebm, flac: wholeFlac };

/** Identifies the file at `path` by its bytes; throws AudioFormatError with a readable message. */
export async function probeAudioFile(path: string): Promise<AudioInfo> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) throw new AudioFormatError('empty', 'The audio file is empty.');
    const bytes = new Bytes(file, size);
    const head = Buffer.from(await bytes.at(0, 16));
    const read = await parseFile(path, { duration: true, skipCovers: true }).then(
      (metadata) => ({ metadata, failure: null }),
      (failure: Error) => ({ metadata: null, failure }),
    );
    // Recognised as something else (an image, a document, a video), or as audio we do not take.
    const guessed = read.failure?.name === 'UnsupportedFileTypeError' ? /MIME-type not supported: ([^:\s]+)/.exec(read.failure.message)?.[1] : undefined;
    if (guessed) throw unsupported(describeOther(head, guessed));
    const found = read.metadata && formatOf(read.metadata);
    // A container music-metadata knows and we do not take (AIFF, say).
    if (read.metadata?.format.container && !found) throw unsupported(describeOther(head, read.metadata.format.container));
    const format = found?.format ?? announced(head);
    if (!format) throw unsupported(describeOther(head));
    // Whole? A cut-off or damaged file is named as such, whether or not it could be read.
    let whole: unknown;
    try {
      whole = await walkers[format](bytes);
    } catch (error) {
      // A header field read past the bytes there are: the file claims more structure than it has.
      if (error instanceof RangeError) throw corrupt(format, 'a header is shorter than it declares');
      throw error;
    }
    if (!found) {
      // Whole, but music-metadata could not read it. A live WebM recording, whose elements are of
      // unknown size, is accepted without what it would have told (duration, codec); a Matroska
      // file that is not WebM, or bytes that only look like a container, are not audio we take;
      // anything else it could not read is damaged.
      const undetermined = !read.failure || /determine/i.test(read.failure.message);
      if (format === 'webm' && undetermined) throw new AudioFormatError('unsupported', `The file is a Matroska container, not WebM; upload ${accepted}.`);
      if (undetermined) throw unsupported(describeOther(head));
      if (format !== 'webm') throw corrupt(format, read.failure!.message.replace(/: \/.*$/, '').toLowerCase());
    } else if (read.metadata?.format.hasAudio === false) {
      throw new AudioFormatError('unsupported', `The ${names[found.format]} file holds no audio stream this service can read; upload ${accepted}.`);
    }
    const wav = format === 'wav' ? (whole as Awaited<ReturnType<typeof wholeWav>>) : undefined;
    const wavCodec = wav?.pcm && (wav.pcm.encoding === 1 ? 'pcm' : wav.pcm.encoding === 3 ? 'float' : `wave-format-${wav.pcm.encoding}`);
    return {
      format,
      mimeType: mimeTypes[format],
      durationSeconds: wav ? wav.durationSeconds : (read.metadata?.format.duration ?? null),
      ...(wav?.pcm ? { pcm: wav.pcm } : {}),
      codec: wavCodec ?? found?.codec,
    };
  } finally {
    await file.close();
  }
}
