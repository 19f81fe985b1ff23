// Server-sent event streams for the fan-out benchmark: each stream records when every status
// event arrived.
import { Agent, request, type ClientRequest } from 'node:http';

export interface Received {
  to: string | null;
  createdAt: string;
  receivedAt: number;
}

export interface Stream {
  events: Received[];
  close: () => void;
}

export function openStream(agent: Agent, url: string, token: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: Received[] = [];
    const req: ClientRequest = request(url, { agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const receivedAt = Date.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { to?: string | null; createdAt?: string };
          if (event.createdAt) events.push({ to: event.to ?? null, createdAt: event.createdAt, receivedAt });
        }
      });
      res.on('error', () => undefined);
      resolve({ events, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
