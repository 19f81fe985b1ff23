// Runs `prisma generate`. Generation never uses the native schema engine, but the CLI looks for
// one and tries to download it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets
// it work offline.
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
