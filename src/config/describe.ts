// The resolved configuration with every secret masked, for `npm run config:check`.
import type { Config } from './env.ts';

const masked = '***';

/** A URL without its credentials: the password (in the authority or as a query parameter) masked. */
export function maskUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = masked;
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, masked);
    }
    return parsed.toString();
  } catch {
    return masked;
  }
}

const secret = (value: string | undefined) => (value ? masked : value);

/** The signing keys by kid only; never any key material, even when the value is malformed. */
function describeKeys(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const keys = JSON.parse(raw) as unknown;
    if (!Array.isArray(keys)) return `${masked} (not a JSON array)`;
    return `${masked} (kids: ${keys.map((k) => (k && typeof k === 'object' && 'kid' in k ? String(k.kid) : '?')).join(', ')})`;
  } catch {
    return `${masked} (not valid JSON)`;
  }
}

export function describeConfig(config: Config) {
  return {
    ...config,
    http: { ...config.http, publicBaseUrl: maskUrl(config.http.publicBaseUrl) },
    database: { ...config.database, url: maskUrl(config.database.url) },
    redis: { ...config.redis, url: maskUrl(config.redis.url) },
    temporal: { ...config.temporal, uiUrl: maskUrl(config.temporal.uiUrl) },
    auth: { ...config.auth, keys: describeKeys(config.auth.keys), demoPassword: masked },
    scoring: {
      ...config.scoring,
      openai: { ...config.scoring.openai, apiKey: secret(config.scoring.openai.apiKey), baseUrl: maskUrl(config.scoring.openai.baseUrl) },
    },
    transcription: {
      ...config.transcription,
      openai: { ...config.transcription.openai, apiKey: secret(config.transcription.openai.apiKey), baseUrl: maskUrl(config.transcription.openai.baseUrl) },
    },
    tracing: { ...config.tracing, endpoint: maskUrl(config.tracing.endpoint) },
  };
}
