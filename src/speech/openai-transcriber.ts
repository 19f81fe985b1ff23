// Speech recognition through any OpenAI-compatible transcription endpoint. Whisper-style models
// answer `verbose_json` with word and segment timings and per-segment log-probabilities; the
// gpt-4o transcription models answer plain JSON with token log-probabilities and no timings.
// Either way the answer is validated before it is believed.
import { createReadStream } from 'node:fs';
import OpenAI, { toFile } from 'openai';
import { z } from 'zod';
import { MalformedOutputError } from '../providers/errors.ts';
import { classifyOpenAIError, createOpenAIClient, type OpenAIEndpoint } from '../providers/openai.ts';
import { extensions } from './audio-format.ts';
import type { TimedWord } from './fluency.ts';
import {
  UnusableAudioError,
  type Transcriber,
  type Transcription,
  type TranscriptionContext,
  type TranscriptionInput,
} from './transcriber.ts';

export interface OpenAITranscriberOptions extends OpenAIEndpoint {
  model: string;
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
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
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

export class OpenAITranscriber implements Transcriber {
  readonly provider = 'openai';
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAITranscriberOptions) {
    this.client = createOpenAIClient(options);
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
      throw classifyOpenAIError(error);
    } finally {
      clearInterval(beat);
    }
    return verbose ? this.fromVerbose(parsed(verboseSchema, body)) : this.fromPlain(parsed(plainSchema, body));
  }

  private fromVerbose(answer: z.infer<typeof verboseSchema>): Transcription {
    const segments = answer.segments ?? [];
    const speech = segments.filter((s) => s.no_speech_prob < noSpeechProbability);
    if (!answer.text.trim() || (segments.length > 0 && speech.length === 0)) {
      throw new UnusableAudioError('no speech: the recogniser found nothing but silence or noise in the recording');
    }
    // Duration-weighted mean of each segment's mean token probability.
    let weight = 0;
    let sum = 0;
    for (const s of speech) {
      const w = Math.max(0.01, s.end - s.start);
      sum += Math.exp(s.avg_logprob) * w;
      weight += w;
    }
    const words: TimedWord[] | null = answer.words?.length
      ? answer.words.map((w) => ({ text: w.word.trim(), start: w.start, end: w.end, confidence: null }))
      : null;
    return {
      text: answer.text.trim(),
      words,
      confidence: weight > 0 ? Math.min(1, sum / weight) : 0,
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
      durationSeconds: null,
      language: 'en',
      provider: this.provider,
      model: this.options.model,
    };
  }
}
