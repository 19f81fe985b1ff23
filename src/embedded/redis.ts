// A local redis-server (from the OS packages) for `npm start` and the tests, when installed.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { findExecutable } from './temporal.ts';

export interface RunningRedis {
  url: string;
  stop: () => Promise<void>;
}

export function findRedisServer(): string | undefined {
  return findExecutable('redis-server');
}

export async function startRedisServer(port: number, binary = findRedisServer()): Promise<RunningRedis> {
  if (!binary) throw new Error('redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)');
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const ok = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
    probe.disconnect();
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
