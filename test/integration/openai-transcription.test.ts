// The OpenAI transcription path, against a local server that speaks the API: what is sent, how
// answers become transcripts, and how each failure is classified for Temporal.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MalformedOutputError, ProviderRejectedError, ProviderUnavailableError } from '../../src/providers/errors.ts';
import { LlmScorer } from '../../src/scoring/llm-scorer.ts';
import { probeAudioFile } from '../../src/speech/audio-format.ts';
import { measureFluency } from '../../src/speech/fluency.ts';
import { OpenAITranscriber } from '../../src/speech/openai-transcriber.ts';
import { UnusableAudioError, type TranscriptionInput } from '../../src/speech/transcriber.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { hometownPrompt } from '../helpers/speech.ts';

let fake: FakeOpenAI;
let input: TranscriptionInput;
const context = { heartbeat: () => undefined };

beforeAll(async () => {
  fake = await startFakeOpenAI();
  const file = path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'speech.m4a');
  input = { path: file, info: await probeAudioFile(file) };
});
afterAll(async () => {
  await fake?.close();
});
afterEach(() => {
  fake.transcriptions.length = 0;
  fake.requests.length = 0;
});

const whisper = () => new OpenAITranscriber({ baseUrl: fake.baseUrl, apiKey: 'sk-test', model: 'whisper-1', timeoutSeconds: 1 });

describe('OpenAI transcription', () => {
  it('when whisper answers verbose JSON, then words, timings, confidence and duration come back, and the request asked for them', async () => {
    fake.scriptTranscriptions({
      kind: 'transcript',
      words: [['My', 0.1, 0.3], ['hometown', 0.35, 0.8], ['is', 1.5, 1.6], ['small', 1.65, 2.0]],
      avgLogprob: Math.log(0.8),
      duration: 3.8,
    });
    const heard = await whisper().transcribe(input, context);
    expect(heard).toMatchObject({ text: 'My hometown is small', durationSeconds: 3.8, language: 'english', provider: 'openai', model: 'whisper-1' });
    expect(heard.confidence).toBeCloseTo(0.8, 5);
    expect(heard.words).toEqual([
      { text: 'My', start: 0.1, end: 0.3, confidence: null },
      { text: 'hometown', start: 0.35, end: 0.8, confidence: null },
      { text: 'is', start: 1.5, end: 1.6, confidence: null },
      { text: 'small', start: 1.65, end: 2.0, confidence: null },
    ]);
    const sent = fake.transcriptions[0]!;
    expect(sent.fields).toMatchObject({ model: ['whisper-1'], response_format: ['verbose_json'], language: ['en'] });
    expect(sent.fields['timestamp_granularities[]']?.sort()).toEqual(['segment', 'word']);
    expect(sent.file).toEqual({ name: 'answer.m4a', type: 'audio/mp4', bytes: 18653 });

    const fluency = measureFluency({ durationSeconds: heard.durationSeconds!, wordCount: 4, words: heard.words });
    expect(fluency).toMatchObject({ pauseCount: 1, longPauseCount: 0, longestPauseSeconds: 0.7, meanRunWords: 2 });
  });

  it('when a gpt-4o transcription model is configured, then plain JSON with log-probabilities is asked for and no timings are claimed', async () => {
    fake.scriptTranscriptions({ kind: 'plain', text: 'My hometown is small.', logprobs: [Math.log(0.9), Math.log(0.7)] });
    const heard = await new OpenAITranscriber({ baseUrl: fake.baseUrl, model: 'gpt-4o-mini-transcribe', timeoutSeconds: 1 }).transcribe(input, context);
    expect(heard).toMatchObject({ text: 'My hometown is small.', words: null, durationSeconds: null });
    expect(heard.confidence).toBeCloseTo(0.8, 5);
    expect(fake.transcriptions[0]!.fields).toMatchObject({ response_format: ['json'], 'include[]': ['logprobs'] });
  });

  it('when every segment is probably not speech, or the text is empty, then the audio is unusable', async () => {
    fake.scriptTranscriptions({ kind: 'transcript', text: 'Thank you.', noSpeechProb: 0.93 });
    await expect(whisper().transcribe(input, context)).rejects.toBeInstanceOf(UnusableAudioError);
    fake.scriptTranscriptions({ kind: 'transcript', text: '  ', words: [] });
    await expect(whisper().transcribe(input, context)).rejects.toThrow(/no speech/);
  });

  it('when the endpoint answers 429 with Retry-After, then it is "unavailable" with the delay it asked for', async () => {
    fake.scriptTranscriptions({ kind: 'status', status: 429, headers: { 'retry-after': '4' } });
    const error = await whisper().transcribe(input, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryAfterMs).toBe(4000);
  });

  it.each([
    ['a 503', { kind: 'status', status: 503 } as const, ProviderUnavailableError],
    ['a timeout', { kind: 'slow', ms: 3000 } as const, ProviderUnavailableError],
    ['a dropped connection', { kind: 'hang-up' } as const, ProviderUnavailableError],
    ['a 401', { kind: 'status', status: 401 } as const, ProviderRejectedError],
    ['a body that is not JSON', { kind: 'content', content: '<html>oops' } as const, MalformedOutputError],
    ['JSON of the wrong shape', { kind: 'content', content: '{"transcript": 3}' } as const, MalformedOutputError],
  ])('when the endpoint answers %s, then the failure is classified for retrying correctly', async (_case, reply, kind) => {
    fake.scriptTranscriptions(reply);
    await expect(whisper().transcribe(input, context)).rejects.toBeInstanceOf(kind);
  });
});

describe('LLM speaking scorer', () => {
  it('when the model scores the transcript, then pronunciation is estimated from recogniser confidence, never taken from the model', async () => {
    fake.script({ kind: 'assessment', scores: { grammar: 6, vocabulary: 6.5, fluency: 7, discourseManagement: 6 } });
    const scorer = new LlmScorer({ baseUrl: fake.baseUrl, model: 'test-model', timeoutSeconds: 2 });
    const fluency = measureFluency({ durationSeconds: 30, wordCount: 70, words: null });
    const outcome = await scorer.scoreSpeaking({
      task: 'part1',
      prompt: hometownPrompt,
      promptTrusted: true,
      transcript: 'my hometown is a small city in the north of vietnam '.repeat(7),
      fluency,
      transcriptionConfidence: 0.75,
      transcriptionProvider: 'openai',
    });
    expect(Object.keys(outcome.criteria).sort()).toEqual(['discourseManagement', 'fluency', 'grammar', 'pronunciation', 'vocabulary']);
    expect(outcome.criteria.pronunciation).toMatchObject({ score: 8, estimated: true, evidence: [] });
    expect(outcome.criteria.pronunciation!.feedback).toMatch(/cannot show pronunciation/);
    expect(outcome.feedback).toMatch(/Pronunciation is estimated/);
    expect(outcome.version).toBe('vstep-speaking-rubric-1+speaking-prompt-4');

    const request = fake.requests[0]!.body;
    expect(request.response_format.json_schema.name).toBe('vstep_speaking_assessment');
    expect(request.response_format.json_schema.schema.properties.criteria.required).not.toContain('pronunciation');
    const user = request.messages[1]!.content;
    expect(user).toContain('speech rate: 140 words per minute');
    expect(user).toContain('pause measures: not available');
    expect(request.messages[0]!.content).toMatch(/Pronunciation is not scored here/);
    expect(request.messages[0]!.content).toContain(hometownPrompt);
    expect(user).not.toContain(hometownPrompt);
  });

  it("when the prompt is the student's own (free practice), then it is fenced with the transcript, outside the instructions", async () => {
    fake.script({ kind: 'assessment', scores: { grammar: 6, vocabulary: 6, fluency: 6, discourseManagement: 6 } });
    const scorer = new LlmScorer({ baseUrl: fake.baseUrl, model: 'test-model', timeoutSeconds: 2 });
    const before = fake.requests.length;
    await scorer.scoreSpeaking({
      task: 'part1',
      prompt: hometownPrompt,
      transcript: 'my hometown is a small city in the north of vietnam',
      fluency: measureFluency({ durationSeconds: 10, wordCount: 11, words: null }),
      transcriptionConfidence: 0.75,
      transcriptionProvider: 'openai',
    });
    const [system, user] = fake.requests[before]!.body.messages;
    expect(system!.content).not.toContain(hometownPrompt);
    const marker = /(=====[A-Za-z0-9_-]+=====PROMPT)/.exec(user!.content)![1]!;
    expect(user!.content.split(marker)[2]!.trim()).toBe(hometownPrompt);
  });
});
