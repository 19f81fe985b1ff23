// A local HTTP server that speaks OpenAI's chat-completions and audio-transcription APIs, for
// tests. Each request takes the next scripted reply for its endpoint (the last one repeats);
// every request is recorded.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writingCriteria } from '../../src/domain/scores.ts';
import { assessment, completion } from '../../src/testing/openai-replies.ts';

export type Reply =
  | { kind: 'assessment'; scores?: Partial<Record<string, number>>; offTask?: boolean; injectionSuspected?: boolean }
  | { kind: 'content'; content: string }
  /** An answer cut off at the request's max_tokens: finish_reason "length". */
  | { kind: 'truncated'; content: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang-up' };

export interface RecordedRequest {
  at: number;
  body: { model: string; messages: { role: string; content: string }[]; response_format?: any; temperature?: number; max_tokens?: number };
  authorization: string | undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The criteria the request's JSON schema asks for (writing or speaking). */
function requestedCriteria(body: RecordedRequest['body']): string[] {
  return body.response_format?.json_schema?.schema?.properties?.criteria?.required ?? [...writingCriteria];
}

export type TranscriptionReply =
  | { kind: 'transcript'; text?: string; words?: Array<[string, number, number]>; avgLogprob?: number; noSpeechProb?: number; duration?: number }
  | { kind: 'plain'; text: string; logprobs?: number[] }
  | { kind: 'content'; content: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang-up' };

export interface RecordedTranscription {
  at: number;
  fields: Record<string, string[]>;
  file: { name: string; type: string; bytes: number } | null;
}

/** A whisper verbose_json answer: one segment, words at the given times. */
export function verboseTranscript(reply: Extract<TranscriptionReply, { kind: 'transcript' }>) {
  const words = reply.words ?? [['My', 0.1, 0.3], ['hometown', 0.35, 0.8], ['is', 0.85, 0.95], ['small', 1.6, 1.9]];
  const text = reply.text ?? words.map((w) => w[0]).join(' ');
  const end = words.at(-1)?.[2] ?? 1;
  return {
    task: 'transcribe',
    language: 'english',
    duration: reply.duration ?? end + 0.5,
    text,
    segments: [
      { id: 0, seek: 0, start: 0, end, text, tokens: [1, 2, 3], temperature: 0, avg_logprob: reply.avgLogprob ?? -0.2, compression_ratio: 1.2, no_speech_prob: reply.noSpeechProb ?? 0.01 },
    ],
    words: words.map(([word, start, finish]) => ({ word, start, end: finish })),
  };
}

export interface FakeOpenAI {
  baseUrl: string;
  requests: RecordedRequest[];
  transcriptions: RecordedTranscription[];
  script: (...replies: Reply[]) => void;
  scriptTranscriptions: (...replies: TranscriptionReply[]) => void;
  close: () => Promise<void>;
}

export async function startFakeOpenAI(
  initial: Reply[] = [{ kind: 'assessment' }],
  initialTranscriptions: TranscriptionReply[] = [{ kind: 'transcript' }],
): Promise<FakeOpenAI> {
  let replies = [...initial];
  let transcriptionReplies = [...initialTranscriptions];
  const requests: RecordedRequest[] = [];
  const transcriptions: RecordedTranscription[] = [];
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
    if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
      const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      const fields: Record<string, string[]> = {};
      let file: RecordedTranscription['file'] = null;
      for (const [key, value] of form.entries()) {
        if (typeof value === 'string') (fields[key] ??= []).push(value);
        else file = { name: value.name, type: value.type, bytes: value.size };
      }
      transcriptions.push({ at: Date.now(), fields, file });
      const reply = transcriptionReplies.length > 1 ? transcriptionReplies.shift()! : transcriptionReplies[0]!;
      switch (reply.kind) {
        case 'transcript':
          return json(200, verboseTranscript(reply));
        case 'plain':
          return json(200, { text: reply.text, ...(reply.logprobs ? { logprobs: reply.logprobs.map((logprob, i) => ({ token: `t${i}`, logprob, bytes: [] })) } : {}) });
        case 'content':
          res.writeHead(200, { 'content-type': 'application/json' }).end(reply.content);
          return;
        case 'status':
          return json(reply.status, reply.body ?? { error: { message: `status ${reply.status}`, type: 'test' } }, reply.headers);
        case 'slow':
          setTimeout(() => json(200, verboseTranscript({ kind: 'transcript' })), reply.ms).unref();
          return;
        case 'hang-up':
          req.socket.destroy();
          return;
      }
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const body = JSON.parse(raw.toString('utf8')) as RecordedRequest['body'];
    requests.push({ at: Date.now(), body, authorization: req.headers.authorization });
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    switch (reply.kind) {
      case 'assessment':
        return json(200, completion(body.model, JSON.stringify(assessment(reply.scores, {
          ...(reply.offTask !== undefined ? { offTask: reply.offTask } : {}),
          ...(reply.injectionSuspected !== undefined ? { injectionSuspected: reply.injectionSuspected } : {}),
        }, requestedCriteria(body)))));
      case 'content':
        return json(200, completion(body.model, reply.content));
      case 'truncated': {
        const cut = completion(body.model, reply.content);
        return json(200, { ...cut, choices: cut.choices.map((c) => ({ ...c, finish_reason: 'length' })) });
      }
      case 'status':
        return json(reply.status, reply.body ?? { error: { message: `status ${reply.status}`, type: 'test' } }, reply.headers);
      case 'slow':
        setTimeout(() => json(200, completion(body.model, JSON.stringify(assessment()))), reply.ms).unref();
        return;
      case 'hang-up':
        req.socket.destroy();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    transcriptions,
    script: (...next) => {
      replies = next;
    },
    scriptTranscriptions: (...next) => {
      transcriptionReplies = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
