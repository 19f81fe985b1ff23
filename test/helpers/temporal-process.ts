// A Temporal dev server as a plain child process that a fault test can stop and start again on
// the same port and state file (the SDK's ephemeral server is meant to live for a whole run).
import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { findExecutable } from '../../src/embedded/temporal.ts';
import { gradingSearchAttributes } from '../../src/grading/search-attributes.ts';

export interface TemporalProcess {
  address: string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; settles once it has exited. */
  stop: (graceMs?: number) => Promise<void>;
}

export async function startTemporalProcess({ port, dbFile }: { port: number; dbFile: string }): Promise<TemporalProcess> {
  const cli = findExecutable('temporal');
  if (!cli) throw new Error('no temporal CLI (npm run setup installs it)');
  const child = spawn(
    cli,
    [
      'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', dbFile, '--log-level', 'error',
      ...gradingSearchAttributes.flatMap((a) => ['--search-attribute', `${a.name}=Keyword`]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal exited with ${child.exitCode}: ${stderr}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal did not become ready on ${address}: ${error instanceof Error ? error.message : error}; ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    address,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
