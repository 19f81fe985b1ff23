import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it, vi } from 'vitest';
import { applyMigrations, diffMigrationsToSchema, readMigrations } from '../../src/lib/schema-engine.ts';

describe('migrations', () => {
  it('when the migrations folder is replayed, then Prisma finds no drift from schema.prisma', async () => {
    const drift = await diffMigrationsToSchema(inject('databaseUrl'));
    expect(drift.trim()).toBe('');
  });

  it('when migrations are applied again, then nothing is re-applied and every one is recorded as finished', async () => {
    const url = inject('databaseUrl');
    expect(await applyMigrations(url)).toEqual([]);
    const folders = (await readMigrations()).migrationDirectories.map((d) => d.path);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
        `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
           FROM _prisma_migrations ORDER BY migration_name`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(folders);
      expect(rows.every((r) => r.finished && !r.rolled_back)).toBe(true);
      const shadows = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`);
      expect(shadows.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('when two copies of the migration module migrate two new databases at once, then both get every migration', async () => {
    // As when two vitest projects' setups run in one process: the module twice, the Wasm glue once.
    vi.resetModules();
    const copy = await import('../../src/lib/schema-engine.ts');
    expect(copy.applyMigrations).not.toBe(applyMigrations);
    const base = new URL(inject('databaseUrl'));
    const names = [1, 2].map(() => `vstep_migrate_${randomUUID().replace(/-/g, '')}`);
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    try {
      for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
      const urls = names.map((name) => Object.assign(new URL(base), { pathname: `/${name}` }).toString());
      const applied = await Promise.all([applyMigrations(urls[0]!), copy.applyMigrations(urls[1]!)]);
      const folders = (await readMigrations()).migrationDirectories.map((d) => d.path);
      expect(applied).toEqual([folders, folders]);
    } finally {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
