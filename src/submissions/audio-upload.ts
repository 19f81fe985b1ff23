// Receiving a speaking answer: multipart/form-data with the text fields and one file in the
// `audio` part. The file is spooled to the audio store's incoming directory under a random name
// (never the client's), its size capped while it streams; then its real type is read from its
// bytes. Anything rejected is deleted before the answer goes out, so a refused upload leaves
// nothing behind.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { RequestHandler } from 'express';
import multer from 'multer';
import type { Config } from '../config/env.ts';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type FieldError } from '../lib/http/errors.ts';
import { AudioFormatError, probeAudioFile, type AudioInfo } from '../speech/audio-format.ts';
import type { AudioStore } from '../storage/audio-store.ts';
import { parseAnswer, type CreateSpeakingSubmission } from './submission.schemas.ts';

export interface ReceivedAudio {
  fields: CreateSpeakingSubmission;
  /** The spooled file; moved into the store by the service. */
  path: string;
  bytes: number;
  info: AudioInfo;
}

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

function asHttpError(error: unknown, maxBytes: number): Error {
  if (error instanceof multer.MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new PayloadTooLargeError(`The audio file is larger than the ${mib(maxBytes)} limit.`, [
          { field: 'audio', message: `must be at most ${mib(maxBytes)}` },
        ]);
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_UNEXPECTED_FILE':
        return new BadRequestError('Send exactly one file, in the part named "audio".', [
          { field: error.field ?? 'audio', message: 'unexpected file' },
        ]);
      case 'LIMIT_FIELD_VALUE':
        return new PayloadTooLargeError(`The form field "${error.field}" is too long.`, [{ field: error.field ?? '', message: 'is too long' }]);
      default:
        return new BadRequestError(`The multipart body is not acceptable: ${error.message}.`);
    }
  }
  // busboy: a body that is not valid multipart, or one that ended early.
  return new BadRequestError(`The multipart body is malformed or incomplete: ${(error as Error).message}.`);
}

/** Parses the multipart body into `res.locals.audio` (ReceivedAudio), or answers 4xx. */
export function receiveAudio(config: Config, store: AudioStore): RequestHandler {
  const maxBytes = config.audio.maxBytes;
  const upload = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, cb) => {
        store.incomingDir().then((dir) => cb(null, dir), (error: Error) => cb(error, ''));
      },
      filename: (_req, _file, cb) => cb(null, randomUUID()),
    }),
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 16 * 1024, parts: 11, headerPairs: 100 },
  }).single('audio');

  // Room for the text fields and multipart framing around the file.
  const maxBody = maxBytes + 64 * 1024;

  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) {
      // Refused from the header alone: no point reading what cannot be accepted.
      res.set('Connection', 'close');
      next(asHttpError(new multer.MulterError('LIMIT_FILE_SIZE', 'audio'), maxBytes));
      return;
    }
    // Whatever happens, the spooled file does not outlive the request (a stored one was moved).
    res.on('close', () => {
      const spooled = req.file?.path;
      if (spooled) rm(spooled, { force: true }).catch(() => undefined);
    });
    upload(req, res, (error: unknown) => {
      if (error) {
        next(asHttpError(error, maxBytes));
        return;
      }
      inspect(req.body, req.file, config)
        .then((audio) => {
          res.locals.audio = audio;
          next();
        })
        .catch(next);
    });
  };
}

async function inspect(body: unknown, file: Express.Multer.File | undefined, config: Config): Promise<ReceivedAudio> {
  const parsed = parseAnswer('speaking', body ?? {}, config.exams.freePrompts);
  const errors: FieldError[] = parsed.ok ? [] : parsed.errors;
  if (!file) errors.push({ field: 'audio', message: 'an audio file is required' });
  if (errors.length > 0 || !parsed.ok || !file) throw new ValidationError(errors);

  let info: AudioInfo;
  try {
    info = await probeAudioFile(file.path);
  } catch (error) {
    if (!(error instanceof AudioFormatError)) throw error;
    if (error.problem === 'unsupported') throw new UnsupportedMediaTypeError(error.message);
    throw new BadRequestError(error.message, [{ field: 'audio', message: error.problem === 'empty' ? 'is empty' : `is ${error.problem}` }]);
  }
  if (info.durationSeconds !== null && info.durationSeconds > config.audio.maxSeconds) {
    throw new BadRequestError(`The recording lasts ${Math.round(info.durationSeconds)} s; the limit is ${config.audio.maxSeconds} s.`, [
      { field: 'audio', message: `must be at most ${config.audio.maxSeconds} s long` },
    ]);
  }
  return { fields: parsed.value, path: file.path, bytes: file.size, info };
}
