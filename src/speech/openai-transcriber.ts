// Speech recognition through any OpenAI-compatible transcription endpoint. Whisper-style models
// answer `verbose_json` with word and segment timings and per-segment log-probabilities; the
// gpt-4o transcription models answer plain JSON with token log-probabilities and no timings.
// The platform's own Whisper server (src/speech/whisper-server.py) answers verbose_json with each
// word's probability too; their mean, calibrated on the speech evaluation set, is the confidence.
// Either way the answer is validated before it is believed.
import { createReadStream } from 'node:fs';
import OpenAI, { toFile } from 'openai';
import { z } from 'zod';
import { MalformedOutputError } from '../providers/errors.ts';
import { classifyOpenAIError, createOpenAIClient, type OpenAIEndpoint } from '../providers/openai.ts';
import { extensions } from './audio-format.ts';
import { isFilledPause, type TimedWord } from './fluency.ts';
import { calibratedConfidence, type RecognitionCalibration } from './recognition-calibration.ts';
import {
  UnusableAudioError,
  type Transcriber,
  type Transcription,
  type TranscriptionContext,
  type TranscriptionInput,
} from './transcriber.ts';

export interface OpenAITranscriberOptions extends OpenAIEndpoint {
  model: string;
  /** The provider name transcripts record (default `openai`; the local Whisper server: `whisper`). */
  provider?: string;
  /** What this model's word probabilities mean in errors; without one, confidence is their mean. */
  calibration?: RecognitionCalibration | null;
}

/** Segments the model itself believes are probably not speech. */
const noSpeechProbability = 0.6;

const verboseSchema = z.object({
  text: z.string(),
  duration: z.number().nonnegative().optional(),
  language: z.string().optional(),
  segments: z
    .array(z.object({ start: z.number(), end: z.number(), avg_logprob: z.number(), no_speech_prob: z.number().min(0).max(1) }))
    .optional(),
  // `probability` is the platform's Whisper server's addition; OpenAI's whisper-1 gives none.
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number(), probability: z.number().min(0).max(1).optional() })).optional(),
  // The platform's Whisper server: seconds of sound in a recording it found silent.
  sound_seconds: z.number().nonnegative().optional(),
});

const plainSchema = z.object({
  text: z.string(),
  logprobs: z.array(z.object({ token: z.string(), logprob: z.number() })).optional(),
});

/** Models that return timings and segment statistics (whisper-1 and whisper-compatible servers). */
export const answersVerboseJson = (model: string) => !/gpt-4o/i.test(model);

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MalformedOutputError(`the transcription breaks the expected shape at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/** Duration-weighted mean of each speech segment's mean token probability. */
function segmentConfidence(speech: ReadonlyArray<{ start: number; end: number; avg_logprob: number }>): number {
  let weight = 0;
  let sum = 0;
  for (const s of speech) {
    const w = Math.max(0.01, s.end - s.start);
    sum += Math.exp(s.avg_logprob) * w;
    weight += w;
  }
  return weight > 0 ? Math.min(1, sum / weight) : 0;
}

export class OpenAITranscriber implements Transcriber {
  readonly provider: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAITranscriberOptions) {
    this.client = createOpenAIClient(options);
    this.provider = options.provider ?? 'openai';
  }

  async transcribe(input: TranscriptionInput, context: TranscriptionContext): Promise<Transcription> {
    const { format } = input.info;
    const file = await toFile(createReadStream(input.path), `answer.${extensions[format]}`, { type: input.info.mimeType });
    const verbose = answersVerboseJson(this.options.model);
    const beat = setInterval(context.heartbeat, 2000);
    let body: unknown;
    try {
      body = await this.client.audio.transcriptions.create(
        verbose
          ? { file, model: this.options.model, language: 'en', temperature: 0, response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] }
          : { file, model: this.options.model, language: 'en', response_format: 'json', include: ['logprobs'] },
        { signal: context.signal },
      );
    } catch (error) {
      if (error instanceof SyntaxError) throw new MalformedOutputError('the transcription endpoint did not answer with JSON');
      // The platform's Whisper server could not decode the bytes: the recording is the problem, and retrying cannot help.
      if (error instanceof OpenAI.BadRequestError && error.code === 'undecodable_audio') {
        throw new UnusableAudioError(`the recogniser could not decode the recording: ${error.message}`);
      }
      throw classifyOpenAIError(error);
    } finally {
      clearInterval(beat);
    }
    return verbose ? this.fromVerbose(parsed(verboseSchema, body)) : this.fromPlain(parsed(plainSchema, body));
  }

  private fromVerbose(answer: z.infer<typeof verboseSchema>): Transcription {
    const segments = answer.segments ?? [];
    const speech = segments.filter((s) => s.no_speech_prob < noSpeechProbability);
    if (answer.sound_seconds !== undefined && !answer.text.trim()) {
      const length = answer.duration === undefined ? '' : ` in ${answer.duration.toFixed(1)} s`;
      throw new UnusableAudioError(`no speech: the recording is silent (${answer.sound_seconds.toFixed(1)} s above -40 dBFS${length})`);
    }
    if (!answer.text.trim() || (segments.length > 0 && speech.length === 0)) {
      throw new UnusableAudioError('no speech: the recogniser found nothing but silence or noise in the recording');
    }
    const words: TimedWord[] | null = answer.words?.length
      ? answer.words.map((w) => ({ text: w.word.trim(), start: w.start, end: w.end, confidence: w.probability ?? null }))
      : null;
    const probabilities = (words ?? []).flatMap((w) => (w.confidence === null || isFilledPause(w.text) ? [] : [w.confidence]));
    const meanWordProbability = probabilities.length ? probabilities.reduce((a, b) => a + b, 0) / probabilities.length : null;
    const { calibration } = this.options;
    return {
      text: answer.text.trim(),
      words,
      confidence:
        meanWordProbability === null
          ? segmentConfidence(speech)
          : calibration?.model === this.options.model
            ? calibratedConfidence(calibration, meanWordProbability)
            : meanWordProbability,
      meanWordProbability,
      durationSeconds: answer.duration ?? null,
      language: answer.language ?? null,
      provider: this.provider,
      model: this.options.model,
    };
  }

  private fromPlain(answer: z.infer<typeof plainSchema>): Transcription {
    if (!answer.text.trim()) throw new UnusableAudioError('no speech: the recogniser returned no words');
    const tokens = answer.logprobs ?? [];
    return {
      text: answer.text.trim(),
      words: null,
      // Without log-probabilities the model gives no measure of its certainty: count it as unsure.
      confidence: tokens.length ? tokens.reduce((s, t) => s + Math.exp(t.logprob), 0) / tokens.length : 0,
      meanWordProbability: null,
      durationSeconds: null,
      language: 'en',
      provider: this.provider,
      model: this.options.model,
    };
  }
}
