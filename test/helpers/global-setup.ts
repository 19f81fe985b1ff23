// Starts the real infrastructure once per test run: PostgreSQL (TEST_DATABASE_URL, or an
// embedded server in a temporary directory), a Temporal dev server (TEST_TEMPORAL_ADDRESS, or
// one started from the CLI), Redis (TEST_REDIS_URL, or redis-server on a free port), the Whisper
// recogniser (WHISPER_URL, or src/speech/whisper-server.py when it is installed), applies the
// migrations, and bundles the workflows once (and, for the browser tests, builds the console).
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { readEnvironment } from '../../src/config/env.ts';
import { startEmbeddedPostgres } from '../../src/embedded/postgres.ts';
import { startRedisServer } from '../../src/embedded/redis.ts';
import { startTemporalDevServer } from '../../src/embedded/temporal.ts';
import { applyMigrations } from '../../src/lib/schema-engine.ts';
import { workflowInterceptorModules, workflowsPath } from '../../workers/create-grading-worker.ts';
import { freePort } from '../../src/embedded/ports.ts';
import { findWhisper, startWhisperServer } from '../../src/embedded/whisper.ts';
import { ensureConsoleBuilt } from '../../scripts/build-console.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    redisUrl: string;
    workflowBundlePath: string;
    /** The offline recogniser's base URL; empty when it is not installed (outside CI only). */
    whisperUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = readEnvironment();
  const scratch = await mkdtemp(path.join(tmpdir(), 'vstep-test-'));
  await chmod(scratch, 0o755); // reachable by the postgres user when running as root
  const cleanups: Array<() => Promise<unknown>> = [() => rm(scratch, { recursive: true, force: true })];

  let databaseUrl = env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(scratch, 'pg', 'data'),
      port: await freePort(),
      database: 'vstep_test',
      persistent: false,
    });
    cleanups.unshift(pg.stop);
    databaseUrl = pg.url;
  }
  await applyMigrations(databaseUrl);

  let temporalAddress = env.TEST_TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({ cliPath: env.TEMPORAL_CLI_PATH, port: await freePort() });
    cleanups.unshift(temporal.stop);
    temporalAddress = temporal.address;
  }

  let redisUrl = env.TEST_REDIS_URL;
  if (!redisUrl) {
    const redis = await startRedisServer(await freePort());
    cleanups.unshift(redis.stop);
    redisUrl = redis.url;
  }

  // One Whisper recogniser for the whole run (its model takes a second to load). CI must have it.
  let whisperUrl = env.WHISPER_URL ?? '';
  if (!whisperUrl) {
    const install = findWhisper({ python: env.WHISPER_PYTHON ?? 'python3', modelDir: env.WHISPER_MODEL_DIR });
    if (!('problem' in install)) {
      const whisper = await startWhisperServer(install, { port: await freePort(), model: env.WHISPER_MODEL ?? 'whisper-tiny.en' });
      cleanups.unshift(whisper.stop);
      whisperUrl = whisper.url;
    } else if (process.env.CI) {
      throw new Error(`the offline speech recogniser is not installed (${install.problem}); scripts/setup.sh installs it`);
    }
  }

  // The browser tests open the console the API serves from web/dist.
  if (project.name === 'browser') await ensureConsoleBuilt();

  const bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quietLogger });
  const workflowBundlePath = path.join(scratch, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporalAddress);
  project.provide('redisUrl', redisUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('whisperUrl', whisperUrl);

  return async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  };
}

const quiet = () => undefined;
const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
