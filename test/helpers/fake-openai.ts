// A local HTTP server that speaks OpenAI's chat-completions API, for tests. Each request takes
// the next scripted reply (the last one repeats); every request is recorded.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writingCriteria } from '../../src/domain/scores.ts';

export type Reply =
  | { kind: 'assessment'; scores?: Partial<Record<string, number>>; confidence?: number; offTask?: boolean; injectionSuspected?: boolean }
  | { kind: 'content'; content: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang-up' };

export interface RecordedRequest {
  at: number;
  body: { model: string; messages: { role: string; content: string }[]; response_format?: any; temperature?: number };
  authorization: string | undefined;
}

export function assessment(scores: Partial<Record<string, number>> = {}, extra: Partial<Record<string, unknown>> = {}) {
  return {
    criteria: Object.fromEntries(
      writingCriteria.map((c) => [c, { score: scores[c] ?? 6.5, evidence: ['I am writing to tell you'], feedback: `Feedback on ${c}.` }]),
    ),
    overallFeedback: 'A clear response with room to grow.',
    confidence: 0.9,
    offTask: false,
    injectionSuspected: false,
    ...extra,
  };
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
    usage: { prompt_tokens: 812, completion_tokens: 256, total_tokens: 1068 },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface FakeOpenAI {
  baseUrl: string;
  requests: RecordedRequest[];
  script: (...replies: Reply[]) => void;
  close: () => Promise<void>;
}

export async function startFakeOpenAI(initial: Reply[] = [{ kind: 'assessment' }]): Promise<FakeOpenAI> {
  let replies = [...initial];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const body = JSON.parse(raw) as RecordedRequest['body'];
    requests.push({ at: Date.now(), body, authorization: req.headers.authorization });
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
    switch (reply.kind) {
      case 'assessment':
        return json(200, completion(body.model, JSON.stringify(assessment(reply.scores, {
          ...(reply.confidence !== undefined ? { confidence: reply.confidence } : {}),
          ...(reply.offTask !== undefined ? { offTask: reply.offTask } : {}),
          ...(reply.injectionSuspected !== undefined ? { injectionSuspected: reply.injectionSuspected } : {}),
        }))));
      case 'content':
        return json(200, completion(body.model, reply.content));
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
    script: (...next) => {
      replies = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
