// Prisma's own schema engine, compiled to WebAssembly and driven through the pg driver adapter.
// It applies, diffs and creates migrations offline, writing `_prisma_migrations` exactly as
// `prisma migrate deploy` does, so the plain Prisma CLI can take over wherever it is installed.
import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';

export const projectRoot = path.resolve(import.meta.dirname, '../..');
export const schemaPath = path.join(projectRoot, 'prisma/schema.prisma');
export const migrationsDir = path.join(projectRoot, 'prisma/migrations');

const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };
/**
 * The Wasm glue module holds one instance per process. This file may be loaded more than once in
 * a process (vitest loads it once per project's setup) while the glue is loaded once; a second
 * instance would replace the first under an engine still using it. So the instance is per process.
 */
const shared = ((globalThis as { [key: symbol]: unknown })[Symbol.for('vstep.schemaEngine')] ??= { wasmReady: undefined }) as {
  wasmReady: Promise<void> | undefined;
};

const pgCharOid = 18;
const pgTextOid = 25;

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;
type PgResult = { fields: { dataTypeID: number }[]; rows: unknown[][] };
type Internals = { performIO(query: unknown): Promise<PgResult>; onError(error: unknown): never };

/**
 * Two gaps between @prisma/adapter-pg and the schema engine, closed for migrations only:
 * - The engine reads catalog columns of Postgres' one-byte `"char"` type (pg_constraint.contype)
 *   and expects the driver's Character column type; the adapter has no mapping for it.
 * - The adapter splits scripts on every `;`, which breaks dollar-quoted function bodies.
 *   Postgres runs a multi-statement simple query as one implicit transaction, so sending the
 *   script whole is both correct and all-or-nothing, as `prisma migrate deploy` behaves.
 */
function forMigrations(adapter: PgAdapter): PgAdapter {
  const internals = adapter as unknown as Internals;
  const performIO = internals.performIO.bind(adapter);
  const queryRaw = adapter.queryRaw.bind(adapter);
  const charColumns = new WeakMap<unknown[], number[]>();
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const columns = result.fields.flatMap((field, i) => (field.dataTypeID === pgCharOid ? [i] : []));
    for (const i of columns) result.fields[i]!.dataTypeID = pgTextOid;
    if (columns.length) charColumns.set(result.rows, columns);
    return result;
  };
  adapter.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const i of charColumns.get(resultSet.rows) ?? []) resultSet.columnTypes[i] = ColumnTypeEnum.Character;
    return resultSet;
  };
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}

/**
 * Migration connections. The shadow database is created and dropped here rather than by the
 * adapter, whose own version connects to the real database when given a connection string and
 * drops the shadow database while its pool still holds a connection.
 */
class MigrationPgAdapterFactory extends PrismaPg {
  /** The engine never disposes what it connects; `close` does, releasing Prisma's advisory lock. */
  private readonly opened: PgAdapter[] = [];

  constructor(private readonly clientConfig: pg.ClientConfig) {
    super(clientConfig);
  }

  override async connect(): Promise<PgAdapter> {
    const adapter = forMigrations(await super.connect());
    this.opened.push(adapter);
    return adapter;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.opened.splice(0).map((adapter) => adapter.dispose()));
  }

  override async connectToShadowDb(): Promise<PgAdapter> {
    const admin = new pg.Client(this.clientConfig);
    await admin.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    const shadow = await new MigrationPgAdapterFactory({ ...this.clientConfig, database }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      try {
        await dispose();
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    };
    return shadow;
  }
}

interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

function loadWasm(): Promise<void> {
  shared.wasmReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const glueFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmFile = path.join(path.dirname(glueFile), 'schema_engine_bg.wasm');
    // Node's WebAssembly global is not in the ES library typings.
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const { instance } = await wasm.instantiate(await readFile(wasmFile), { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return shared.wasmReady;
}

export async function readSchema(): Promise<{ path: string; content: string }> {
  return { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
}

export async function readMigrations(dir = migrationsDir): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockPath = path.join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      folders.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(dir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/** Opens an engine on `databaseUrl`, runs `use`, and always releases the engine. */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const factory = new MigrationPgAdapterFactory(parseIntoClientConfig(databaseUrl));
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const schema = await readSchema();
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => undefined,
    adapter,
  );
  try {
    return await use(engine);
  } finally {
    engine.free();
    await factory.close();
  }
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const migrationsList = await readMigrations();
  return withSchemaEngine(databaseUrl, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: noFilter });
    return out.appliedMigrationNames;
  });
}

/**
 * The SQL that takes a database built from the migrations folder to schema.prisma: an empty
 * string means no drift. This is also how new migrations are written (the Wasm engine's
 * createMigration cannot open a shadow database; diff can). Uses a temporary shadow database
 * on the same server.
 */
export async function diffMigrationsToSchema(databaseUrl: string): Promise<string> {
  const migrationsList = await readMigrations();
  const schema = await readSchema();
  return withSchemaEngine(databaseUrl, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: true,
      filters: noFilter,
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : '';
  });
}

/** Prisma's migration folder name: UTC timestamp then the name, e.g. 20261122171500_init. */
export function migrationFolderName(name: string, now = new Date()): string {
  return `${now.toISOString().replace(/\D/g, '').slice(0, 14)}_${name}`;
}
