// How a call to an outside provider (LLM scoring, speech recognition) can fail. Activities map
// these onto Temporal retry semantics (activities/provider-failures.ts).

/** The provider is unavailable for now (429, 5xx, timeout, connection): worth retrying. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
  constructor(
    message: string,
    /** How long the provider asked us to wait (Retry-After), if it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The provider refused the request itself (bad key, unknown model, invalid request): retrying cannot help. */
export class ProviderRejectedError extends Error {
  override name = 'ProviderRejectedError';
}

/** The provider answered, but not with a usable result (bad JSON, scores off the grid): may succeed on retry. */
export class MalformedOutputError extends Error {
  override name = 'MalformedOutputError';
}
