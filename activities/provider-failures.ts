// Calls to outside providers (scoring, speech recognition), as Temporal sees them: unusable
// input and rejected requests never retry; an unavailable provider retries, after its
// Retry-After when it gave one; malformed output retries; an open circuit retries after its
// cooldown. The circuit breaker counts only unavailability: a bad essay is not a sick provider.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { providerCalls, providerRetries } from '../src/lib/metrics.ts';
import { MalformedOutputError, ProviderRejectedError, ProviderUnavailableError } from '../src/providers/errors.ts';
import { CircuitOpenError, type CircuitBreaker } from '../src/scoring/circuit-breaker.ts';
import { UnscorableResponseError } from '../src/scoring/scorer.ts';
import { TranscriptionUnavailableError, UnusableAudioError } from '../src/speech/transcriber.ts';
import { failureTypes } from '../src/grading/contract.ts';

export function asProviderFailure(error: unknown): unknown {
  if (error instanceof UnscorableResponseError) return ApplicationFailure.nonRetryable(error.message, failureTypes.unscorable);
  if (error instanceof UnusableAudioError) return ApplicationFailure.nonRetryable(error.message, failureTypes.unusableAudio);
  if (error instanceof TranscriptionUnavailableError) return ApplicationFailure.nonRetryable(error.message, 'TranscriptionUnavailable');
  if (error instanceof ProviderRejectedError) return ApplicationFailure.nonRetryable(error.message, 'ProviderRejected');
  if (error instanceof ProviderUnavailableError) {
    return ApplicationFailure.create({
      message: error.message,
      type: 'ProviderUnavailable',
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  if (error instanceof MalformedOutputError) return ApplicationFailure.retryable(error.message, 'MalformedOutput');
  if (error instanceof CircuitOpenError) {
    return ApplicationFailure.create({ message: error.message, type: 'CircuitOpen', nextRetryDelay: error.retryAfterMs });
  }
  return error;
}

function outcomeOf(error: unknown): string {
  if (error instanceof ProviderUnavailableError) return 'unavailable';
  if (error instanceof ProviderRejectedError) return 'rejected';
  if (error instanceof MalformedOutputError) return 'malformed';
  if (error instanceof UnusableAudioError || error instanceof UnscorableResponseError) return 'unusable';
  if (error instanceof CircuitOpenError) return 'circuit_open';
  return 'error';
}

/** Runs one provider call behind the breaker, counted in metrics; failures come out as Temporal failures. */
export async function callProvider<T>(provider: string, breaker: CircuitBreaker | undefined, call: () => Promise<T>): Promise<T> {
  if (Context.current().info.attempt > 1) providerRetries.inc({ provider });
  try {
    // While the provider is failing for everyone, fail fast instead of adding to the load.
    await breaker?.check();
    const result = await call();
    await breaker?.record(false);
    providerCalls.inc({ provider, outcome: 'ok' });
    return result;
  } catch (error) {
    if (error instanceof ProviderUnavailableError) await breaker?.record(true);
    providerCalls.inc({ provider, outcome: outcomeOf(error) });
    throw asProviderFailure(error);
  }
}
