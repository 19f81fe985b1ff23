// npm run db:migrate — applies pending migrations from prisma/migrations to DATABASE_URL
// (the same as `prisma migrate deploy`, offline, through Prisma's Wasm schema engine).
import { loadConfigOrExit } from '../src/config/env.ts';
import { applyMigrations } from '../src/lib/schema-engine.ts';

const config = loadConfigOrExit();
if (!config.database.url) {
  console.error('DATABASE_URL is not set. `npm start` runs migrations itself on the embedded database.');
  process.exit(1);
}
const applied = await applyMigrations(config.database.url);
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
