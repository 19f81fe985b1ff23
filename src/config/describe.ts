// The resolved configuration with every secret masked, for `npm run config:check` and logs.
import type { Config } from './env.ts';

const masked = '***';

/** A connection URL without its password. */
export function maskUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = masked;
    return parsed.toString();
  } catch {
    return masked;
  }
}

const secret = (value: string | undefined) => (value ? masked : value);

export function describeConfig(config: Config) {
  return {
    ...config,
    database: { ...config.database, url: maskUrl(config.database.url) },
    redis: { ...config.redis, url: maskUrl(config.redis.url) },
    auth: {
      ...config.auth,
      keys: config.auth.keys ? `${masked} (${(JSON.parse(config.auth.keys) as unknown[]).length} key(s))` : undefined,
      demoPassword: masked,
    },
    scoring: { ...config.scoring, openai: { ...config.scoring.openai, apiKey: secret(config.scoring.openai.apiKey) } },
    transcription: { ...config.transcription, openai: { ...config.transcription.openai, apiKey: secret(config.transcription.openai.apiKey) } },
  };
}
