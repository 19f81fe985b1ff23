// npm run docs:config — writes docs/configuration.md from the settings' own declarations
// (src/config/settings.ts): each key with its default and description, under its heading.
// test/unit/config.test.ts fails when the page is stale or .env.example lists other keys or defaults.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { settingSections } from '../src/config/settings.ts';

export const configReferenceFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/configuration.md');

/** What a setting is when it is not set: its default, or undefined. */
export function defaultOf(field: z.ZodType): string | undefined {
  const parsed = field.safeParse(undefined);
  return parsed.success && parsed.data !== undefined ? String(parsed.data) : undefined;
}

export function configReference(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Configuration',
    '',
    '<!-- Written by npm run docs:config from src/config/settings.ts; edit the descriptions there. -->',
    '',
    'Settings come from environment variables, then `.env`, then the local-safe defaults below. They are',
    'validated when a process starts: a bad value stops it with a message naming the key, and',
    '`npm run config:check` prints the configuration as the processes would see it, secrets masked.',
    'Outside `APP_ENV=local|test`, `DATABASE_URL`, `TEMPORAL_ADDRESS`, `REDIS_URL`, `JWT_KEYS` and',
    '`JWT_SIGNING_KID` must be set. [`.env.example`](../.env.example) lists every key with its default.',
  ];
  for (const section of settingSections) {
    lines.push('', `## ${section.title}`, '', '| key | default | meaning |', '| --- | --- | --- |');
    for (const [key, field] of Object.entries(section.settings) as Array<[string, z.ZodType]>) {
      const fallback = defaultOf(field);
      lines.push(`| \`${key}\` | ${fallback === undefined ? '' : fallback === '' ? '(empty)' : `\`${cell(fallback)}\``} | ${cell(field.description ?? '')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const next = configReference();
  const current = await readFile(configReferenceFile, 'utf8').catch(() => '');
  if (current !== next) await writeFile(configReferenceFile, next);
  process.stdout.write(`${path.relative(process.cwd(), configReferenceFile)} ${current === next ? 'is up to date' : 'written'}.\n`);
}
