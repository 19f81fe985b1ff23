// The one reader of process.env. Precedence: explicit environment variables, then `.env`,
// then the local-safe defaults (settings.ts declares every setting). Outside local/test, the
// settings that point at real infrastructure must be given explicitly.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import { settingsSchema as schema } from './settings.ts';

/** Every setting the platform reads (each is documented in .env.example and docs/configuration.md). */
export const configKeys = Object.keys(schema.shape);

/** Settings with no safe default outside local/test. */
const requiredOutsideLocal = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'REDIS_URL', 'JWT_KEYS', 'JWT_SIGNING_KID'] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `auto` means the OpenAI-compatible endpoint when a key or URL is configured, else offline. */
function resolveProvider(choice: 'auto' | 'offline' | 'openai', v: { OPENAI_API_KEY?: string; OPENAI_BASE_URL?: string }) {
  if (choice !== 'auto') return choice;
  return v.OPENAI_API_KEY || v.OPENAI_BASE_URL ? ('openai' as const) : ('offline' as const);
}

function buildConfig(v: z.infer<typeof schema>) {
  return {
    env: v.APP_ENV,
    http: {
      host: v.HOST,
      port: v.PORT,
      jsonBodyLimit: v.JSON_BODY_LIMIT,
      publicBaseUrl: v.PUBLIC_BASE_URL,
      /** Check every JSON answer against its declared schema: on by default in tests, where a mismatch is a 500. */
      validateResponses: v.VALIDATE_RESPONSES === undefined ? v.APP_ENV === 'test' : v.VALIDATE_RESPONSES === 'true',
    },
    log: { level: v.LOG_LEVEL, pretty: v.APP_ENV === 'local' },
    database: { url: v.DATABASE_URL, poolSize: v.DATABASE_POOL_SIZE },
    temporal: {
      address: v.TEMPORAL_ADDRESS,
      namespace: v.TEMPORAL_NAMESPACE,
      taskQueue: v.TEMPORAL_TASK_QUEUE,
      uiUrl: v.TEMPORAL_UI_URL,
      cliPath: v.TEMPORAL_CLI_PATH,
      searchAttributes: v.TEMPORAL_SEARCH_ATTRIBUTES === 'true',
      /** How long a submit waits for Temporal to start the workflow before leaving it to the reconciler. */
      startTimeoutSeconds: v.TEMPORAL_START_TIMEOUT_SECONDS,
      /** Provider calls run here, under their own rate limits. */
      scoringTaskQueue: v.TEMPORAL_SCORING_TASK_QUEUE ?? `${v.TEMPORAL_TASK_QUEUE}-scoring`,
      /** Speech recognition runs here, under its own limits. */
      transcriptionTaskQueue: v.TEMPORAL_TRANSCRIPTION_TASK_QUEUE ?? `${v.TEMPORAL_TASK_QUEUE}-transcription`,
    },
    embedded: {
      dataDir: path.resolve(v.EMBEDDED_DATA_DIR),
      postgresPort: v.EMBEDDED_POSTGRES_PORT,
      temporalPort: v.EMBEDDED_TEMPORAL_PORT,
      temporalUiPort: v.EMBEDDED_TEMPORAL_UI_PORT,
      redisPort: v.EMBEDDED_REDIS_PORT,
      whisperPort: v.EMBEDDED_WHISPER_PORT,
    },
    grading: {
      maxRetries: v.GRADING_MAX_RETRIES,
      retryInitialSeconds: v.GRADING_RETRY_INITIAL_SECONDS,
      retryBackoffCapSeconds: v.GRADING_RETRY_BACKOFF_CAP_SECONDS,
      activityTimeoutSeconds: v.GRADING_ACTIVITY_TIMEOUT_SECONDS,
      slaSeconds: { writing: v.GRADING_SLA_WRITING_SECONDS, speaking: v.GRADING_SLA_SPEAKING_SECONDS },
      reviewDueSeconds: v.GRADING_REVIEW_DUE_SECONDS,
      reviewLeaseSeconds: v.GRADING_REVIEW_LEASE_SECONDS,
      routing: {
        autoAcceptProbability: v.GRADING_AUTO_ACCEPT_PROBABILITY,
        disagreementMargin: v.GRADING_DISAGREEMENT_MARGIN,
        boundaryMargin: v.GRADING_BOUNDARY_MARGIN,
        minTranscriptionConfidence: v.GRADING_MIN_TRANSCRIPTION_CONFIDENCE,
      },
      secondOpinion: v.GRADING_SECOND_OPINION === 'true',
    },
    moderation: {
      adjudicationThreshold: v.GRADING_ADJUDICATION_THRESHOLD,
      secondMarkerSeesAiDraft: v.GRADING_SECOND_MARKER_SEES_AI_DRAFT === 'true',
      appealWindowDays: v.APPEAL_WINDOW_DAYS,
    },
    exams: {
      /** Free-prompt practice: on by default only where nobody sits a real exam. */
      freePrompts: v.PRACTICE_FREE_PROMPTS === undefined ? ['local', 'test', 'ci'].includes(v.APP_ENV) : v.PRACTICE_FREE_PROMPTS === 'true',
      practiceMode: v.PRACTICE_MODE,
      graceSeconds: v.SITTING_GRACE_SECONDS,
      seed: v.APP_ENV === 'local' && v.SEED_EXAM_CONTENT === 'true',
    },
    scoring: {
      // auto: the LLM when an endpoint or key is configured, else the offline baseline.
      provider: resolveProvider(v.SCORING_PROVIDER, v),
      /** Provider request budget for the whole fleet (0 = unlimited), enforced by Temporal. */
      requestsPerMinute: v.SCORING_REQUESTS_PER_MINUTE,
      workerRequestsPerMinute: v.SCORING_WORKER_REQUESTS_PER_MINUTE,
      workerConcurrency: v.SCORING_WORKER_CONCURRENCY,
      circuitBreaker: {
        failureRate: v.CIRCUIT_BREAKER_FAILURE_RATE,
        minCalls: v.CIRCUIT_BREAKER_MIN_CALLS,
        windowSeconds: v.CIRCUIT_BREAKER_WINDOW_SECONDS,
        cooldownSeconds: v.CIRCUIT_BREAKER_COOLDOWN_SECONDS,
      },
      openai: {
        apiKey: v.OPENAI_API_KEY,
        baseUrl: v.OPENAI_BASE_URL,
        model: v.OPENAI_MODEL,
        timeoutSeconds: v.OPENAI_TIMEOUT_SECONDS,
      },
      calibrationFile: v.SCORING_CALIBRATION_FILE,
    },
    transcription: {
      // auto: the platform's own recogniser when WHISPER_URL names one (an LLM endpoint such as
      // Ollama may have no transcription API), else the OpenAI-compatible endpoint when configured.
      provider: v.TRANSCRIPTION_PROVIDER === 'auto' && v.WHISPER_URL ? ('offline' as const) : resolveProvider(v.TRANSCRIPTION_PROVIDER, v),
      requestsPerMinute: v.TRANSCRIPTION_REQUESTS_PER_MINUTE,
      workerRequestsPerMinute: v.TRANSCRIPTION_WORKER_REQUESTS_PER_MINUTE,
      workerConcurrency: v.TRANSCRIPTION_WORKER_CONCURRENCY,
      timeoutSeconds: v.TRANSCRIPTION_TIMEOUT_SECONDS,
      openai: {
        apiKey: v.OPENAI_API_KEY,
        baseUrl: v.OPENAI_BASE_URL,
        model: v.OPENAI_TRANSCRIPTION_MODEL,
        // Long recordings take a while: the request may use most of the attempt's time limit.
        timeoutSeconds: v.TRANSCRIPTION_TIMEOUT_SECONDS * 0.9,
      },
      whisper: { url: v.WHISPER_URL, model: v.WHISPER_MODEL, modelDir: v.WHISPER_MODEL_DIR, python: v.WHISPER_PYTHON },
    },
    audio: {
      /** Shared by the API (which stores uploads) and the workers (which read them). */
      storageDir: path.resolve(v.AUDIO_STORAGE_DIR ?? path.join(v.EMBEDDED_DATA_DIR, 'audio')),
      maxBytes: v.AUDIO_MAX_BYTES,
      maxSeconds: v.AUDIO_MAX_SECONDS,
    },
    redis: { url: v.REDIS_URL },
    auth: {
      issuer: v.JWT_ISSUER,
      audience: v.JWT_AUDIENCE,
      /** JSON array of JWKs; absent only in local/test, where an ephemeral key is generated. */
      keys: v.JWT_KEYS,
      signingKid: v.JWT_SIGNING_KID,
      accessTtlSeconds: v.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: v.JWT_REFRESH_TTL_SECONDS,
      demoPassword: v.DEMO_PASSWORD,
    },
    cors: { origins: v.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) },
    trustProxy: v.TRUST_PROXY === 'true',
    worker: {
      /** The worker's health and metrics port (0: none). `npm start` leaves it to the API. */
      httpPort: v.WORKER_HTTP_PORT,
    },
    reconciler: {
      /** How often the workers look for stored submissions whose workflow never started. */
      intervalSeconds: v.RECONCILER_INTERVAL_SECONDS,
      /** Only rows pending at least this long: younger ones may still be starting. */
      minAgeSeconds: v.RECONCILER_MIN_AGE_SECONDS,
    },
    live: {
      /** Comment lines on idle SSE streams, so proxies keep them open; each also re-checks for missed events. */
      heartbeatSeconds: v.LIVE_HEARTBEAT_SECONDS,
      /** Open SSE streams per API process; more get 503 with Retry-After. */
      maxStreams: v.LIVE_MAX_STREAMS,
    },
    rateLimits: {
      windowSeconds: v.RATE_LIMIT_WINDOW_SECONDS,
      loginPerIp: v.RATE_LIMIT_LOGIN_PER_IP,
      loginPerAccount: v.RATE_LIMIT_LOGIN_PER_ACCOUNT,
      registerPerIp: v.RATE_LIMIT_REGISTER_PER_IP,
      refreshPerIp: v.RATE_LIMIT_REFRESH_PER_IP,
      submissionsPerAccount: v.RATE_LIMIT_SUBMISSIONS_PER_ACCOUNT,
      submissionsPerIp: v.RATE_LIMIT_SUBMISSIONS_PER_IP,
    },
    tracing: {
      /** OTLP/HTTP collector base URL; tracing is off without it. */
      endpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: v.OTEL_SERVICE_NAME,
    },
    build: { version: v.APP_VERSION ?? '0.1.0', gitSha: v.GIT_SHA ?? 'unknown', buildDate: v.BUILD_DATE ?? 'unknown' },
  };
}

export type Config = ReturnType<typeof buildConfig>;

/** Reads `.env` (if present) under the explicit environment; explicit variables win. */
export function readEnvironment(
  explicit: NodeJS.ProcessEnv = process.env,
  dotenvPath = path.resolve('.env'),
): Record<string, string | undefined> {
  const fromFile = existsSync(dotenvPath) ? parseEnv(readFileSync(dotenvPath, 'utf8')) : {};
  return { ...fromFile, ...explicit };
}

export function loadConfig(source: Record<string, string | undefined> = readEnvironment()): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  if (v.APP_ENV !== 'local' && v.APP_ENV !== 'test') {
    const missing = requiredOutsideLocal.filter((key) => v[key] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(`APP_ENV=${v.APP_ENV} requires explicit settings: ${missing.join(', ')}`);
    }
  }
  return buildConfig(v);
}

/** For entry points: a readable message and exit code 1 instead of a stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
