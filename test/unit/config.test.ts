import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ConfigError, configKeys, loadConfig, readEnvironment } from '../../src/config/env.ts';
import { settingsSchema } from '../../src/config/settings.ts';
import { configReference, configReferenceFile, defaultOf } from '../../scripts/config-reference.ts';

const production = {
  DATABASE_URL: 'postgresql://u:p@db:5432/vstep',
  TEMPORAL_ADDRESS: 'temporal:7233',
  REDIS_URL: 'redis://redis:6379',
  JWT_KEYS: '[]',
  JWT_SIGNING_KID: 'k1',
};

describe('configuration', () => {
  it('when nothing is set, then local-safe defaults apply', () => {
    const config = loadConfig({});
    expect(config.env).toBe('local');
    expect(config.http.port).toBe(3000);
    expect(config.temporal.taskQueue).toBe('grading');
    expect(config.grading.maxRetries).toBe(3);
    expect(config.grading.retryBackoffCapSeconds).toBe(300);
    expect(config.grading.slaSeconds).toEqual({ writing: 1200, speaking: 3600 });
    expect(config.database.url).toBeUndefined();
  });

  it('when a value is malformed, then the error names the key and the problem', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ GRADING_MAX_RETRIES: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL/);
  });

  it.each(['ci', 'staging', 'production'])('when APP_ENV=%s lacks infrastructure URLs, then boot fails fast', (env) => {
    expect(() => loadConfig({ APP_ENV: env })).toThrow(/DATABASE_URL, TEMPORAL_ADDRESS, REDIS_URL, JWT_KEYS, JWT_SIGNING_KID/);
    expect(() =>
      loadConfig({ APP_ENV: env, ...production }),
    ).not.toThrow();
  });

  it('when both .env and the environment set a key, then the environment wins', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vstep-env-'));
    const file = path.join(dir, '.env');
    await writeFile(file, 'PORT=4000\nLOG_LEVEL=debug\n');
    const merged = readEnvironment({ PORT: '5000' }, file);
    const config = loadConfig(merged);
    expect(config.http.port).toBe(5000);
    expect(config.log.level).toBe('debug');
  });

  it.each([
    [{}, 'offline'],
    [{ OPENAI_API_KEY: 'sk-x' }, 'openai'],
    [{ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }, 'openai'],
    [{ OPENAI_API_KEY: 'sk-x', SCORING_PROVIDER: 'offline' }, 'offline'],
  ])('when the scoring settings are %j, then the scorer is %s', (env, provider) => {
    expect(loadConfig(env).scoring.provider).toBe(provider);
  });

  it('when the settings are listed, then .env.example documents exactly those keys', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = await readFile(path.resolve(import.meta.dirname, '../../.env.example'), 'utf8');
    // Keys after the "Docker Compose only" heading belong to docker-compose.yml, not the app.
    const appPart = example.split(/^# === Docker Compose only/m)[0]!;
    const documented = [...appPart.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(documented.map(([key]) => key).sort()).toEqual([...configKeys].sort());
    // Each with the value the platform uses when it is unset (or empty where there is none).
    const fields = settingsSchema.shape as Record<string, z.ZodType>;
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(configKeys.map((key) => [key, defaultOf(fields[key]!) ?? ''])));
  });

  it('when the reference page is compared with the settings, then it is the page npm run docs:config writes', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(configReferenceFile, 'utf8')).toBe(configReference());
    // Every setting says what it is for.
    expect(configKeys.filter((key) => !(settingsSchema.shape as Record<string, z.ZodType>)[key]!.description)).toEqual([]);
  });
});

describe('config:check', () => {
  it('when the configuration holds secrets, then the printed form masks every one and keeps the rest', async () => {
    const { describeConfig } = await import('../../src/config/describe.ts');
    const { loadConfig } = await import('../../src/config/env.ts');
    const secrets = { pg: 'pg-secret-1', redis: 'redis-secret-2', key: 'sk-secret-3', jwk: 'jwk-secret-4', demo: 'demo-secret-5' };
    const config = loadConfig({
      APP_ENV: 'test',
      DATABASE_URL: `postgresql://vstep:${secrets.pg}@db:5432/vstep`,
      REDIS_URL: `redis://:${secrets.redis}@redis:6379`,
      OPENAI_API_KEY: secrets.key,
      JWT_KEYS: JSON.stringify([{ kty: 'OKP', crv: 'Ed25519', x: 'x', d: secrets.jwk, kid: 'k1' }]),
      JWT_SIGNING_KID: 'k1',
      DEMO_PASSWORD: secrets.demo,
    });
    const printed = JSON.stringify(describeConfig(config));
    for (const value of Object.values(secrets)) expect(printed).not.toContain(value);
    const shown = describeConfig(config);
    expect(shown.database.url).toBe('postgresql://vstep:***@db:5432/vstep');
    expect(shown.auth.keys).toBe('*** (kids: k1)');
    expect(shown.grading.maxRetries).toBe(3);
  });

  it('when secrets hide in other places (a malformed key list, URL query or user info), then they are masked too', async () => {
    const { describeConfig, maskUrl } = await import('../../src/config/describe.ts');
    const { loadConfig } = await import('../../src/config/env.ts');
    const config = loadConfig({
      APP_ENV: 'test',
      DATABASE_URL: 'postgresql://u@db/v?password=query-secret',
      OPENAI_BASE_URL: 'https://user:base-url-secret@llm.example/v1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel:otel-secret@collector.example',
      JWT_KEYS: '[{"kty":"OKP","d":"private-part-secret"',
      JWT_SIGNING_KID: 'k1',
    });
    const printed = JSON.stringify(describeConfig(config));
    for (const value of ['query-secret', 'base-url-secret', 'otel-secret', 'private-part-secret']) expect(printed).not.toContain(value);
    expect(describeConfig(config).auth.keys).toBe('*** (not valid JSON)');
    expect(maskUrl('redis://redis:6379')).toBe('redis://redis:6379');
  });
});
