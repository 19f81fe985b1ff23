// The one place an `openai` client is configured. Its own retries are off: Temporal retries the
// activity, so retries are never multiplied. Failures are sorted into "try again later" and
// "this request can never succeed".
import OpenAI from 'openai';
import { ProviderRejectedError, ProviderUnavailableError } from './errors.ts';

export interface OpenAIEndpoint {
  apiKey?: string;
  baseUrl?: string;
  timeoutSeconds: number;
}

export function createOpenAIClient(endpoint: OpenAIEndpoint): OpenAI {
  return new OpenAI({
    // Local OpenAI-compatible servers (e.g. Ollama, faster-whisper servers) accept any key.
    apiKey: endpoint.apiKey ?? 'not-needed',
    baseURL: endpoint.baseUrl,
    maxRetries: 0,
    timeout: endpoint.timeoutSeconds * 1000,
  });
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function classifyOpenAIError(error: unknown): Error {
  if (error instanceof OpenAI.APIConnectionError) return new ProviderUnavailableError(`provider unreachable: ${error.message}`);
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    if (status === 429 || status === 408 || status === 409 || status >= 500) {
      return new ProviderUnavailableError(`provider answered ${status}`, retryAfterMs(error.headers as Headers | undefined));
    }
    return new ProviderRejectedError(`provider rejected the request (${status}): ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
