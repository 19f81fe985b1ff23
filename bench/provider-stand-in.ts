// The LLM provider for the benchmark: a local server speaking OpenAI's chat-completions API with
// a fixed latency, an optional requests-per-minute limit (429 with Retry-After past it) and a
// gate that holds answers until released. It counts what it served.
import { createServer, type Server } from 'node:http';
import { assessment, completion } from '../src/testing/openai-replies.ts';

export interface StandIn {
  baseUrl: string;
  /** Milliseconds each answer takes. */
  latencyMs: number;
  /** Requests allowed per minute, enforced per second (RPM / 60 in any 1 s window) as providers quantise; 0: none. */
  rpm: number;
  served: number;
  rejected: number;
  /** Times (ms since epoch) of the answered requests. */
  servedAt: number[];
  /** Holds every answer until the returned function is called. */
  hold: () => () => void;
  reset: () => void;
  close: () => Promise<void>;
}

export async function startStandIn(): Promise<StandIn> {
  let gate: Promise<void> | undefined;
  const window: number[] = [];
  const state: StandIn = {
    baseUrl: '',
    latencyMs: 0,
    rpm: 0,
    served: 0,
    rejected: 0,
    servedAt: [],
    hold() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    reset() {
      state.served = 0;
      state.rejected = 0;
      state.servedAt = [];
      window.length = 0;
    },
    close: async () => undefined,
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const now = Date.now();
    if (state.rpm > 0) {
      while (window.length && window[0]! <= now - 1000) window.shift();
      if (window.length >= Math.max(1, state.rpm / 60)) {
        state.rejected++;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":{"message":"rate limit","type":"requests"}}');
        return;
      }
      window.push(now);
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; response_format?: { json_schema?: { schema?: { properties?: { criteria?: { required?: string[] } } } } } };
    if (gate) await gate;
    if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    const criteria = body.response_format?.json_schema?.schema?.properties?.criteria?.required;
    const content = JSON.stringify(assessment({}, {}, criteria));
    state.served++;
    state.servedAt.push(Date.now());
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(body.model, content)));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
