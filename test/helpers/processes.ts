// The platform's real entry points as child processes, pointed at the test run's servers.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestPlatform } from './platform.ts';

const root = path.resolve(import.meta.dirname, '../..');

export interface RunningProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** Runs `entry` (e.g. src/http/server.ts) with the platform's database, Temporal, Redis and queue. */
export function runEntryPoint(platform: TestPlatform, entry: string, env: Record<string, string>): RunningProcess {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [entry], {
    cwd: root,
    // Its own process group, so killProcessGroup reaches tsx and the node process it starts.
    detached: true,
    env: {
      ...process.env,
      APP_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: platform.config.database.url,
      TEMPORAL_ADDRESS: platform.config.temporal.address,
      REDIS_URL: platform.config.redis.url,
      TEMPORAL_TASK_QUEUE: platform.config.temporal.taskQueue,
      AUDIO_STORAGE_DIR: platform.config.audio.storageDir,
      ...(platform.config.transcription.whisper.url ? { WHISPER_URL: platform.config.transcription.whisper.url } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Sends `signal` to the whole process group of a runEntryPoint child (kill -9 with SIGKILL). */
export function killProcessGroup(running: RunningProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-running.child.pid!, signal);
  } catch {
    // already gone
  }
}
