// The speech-recognition provider interface. A transcriber turns one stored recording into text
// with word timings where it can, and says how sure it is. Fluency measures and scoring happen
// elsewhere (src/speech/fluency.ts, src/scoring).
import type { AudioInfo } from './audio-format.ts';
import type { TimedWord } from './fluency.ts';

export interface TranscriptionInput {
  /** A readable local file (see AudioStore.withLocalFile). */
  path: string;
  info: AudioInfo;
}

export interface TranscriptionContext {
  /** Called while long work runs, so Temporal knows the activity is alive. */
  heartbeat: () => void;
  /** Aborts the work (activity cancelled or timed out). */
  signal?: AbortSignal;
}

export interface Transcription {
  text: string;
  /** Per-word timings, or null when the provider gives none. */
  words: TimedWord[] | null;
  /**
   * 0-1: the expected share of words recognised right, when the recogniser's word probabilities
   * are calibrated (src/speech/recognition-calibration.ts); else its mean word (or token) probability.
   */
  confidence: number;
  /** The recogniser's mean word probability, when it reports word probabilities. */
  meanWordProbability: number | null;
  /** Seconds of audio, as the recogniser measured it (null: take the container's). */
  durationSeconds: number | null;
  language: string | null;
  provider: string;
  model: string | null;
}

export interface Transcriber {
  readonly provider: string;
  transcribe(input: TranscriptionInput, context: TranscriptionContext): Promise<Transcription>;
}

/** The recording holds no usable speech (silence, noise, nothing recognisable): retrying cannot help. */
export class UnusableAudioError extends Error {
  override name = 'UnusableAudioError';
}

/** No recogniser can handle this recording on this machine (none installed, or no decoder for the format). */
export class TranscriptionUnavailableError extends Error {
  override name = 'TranscriptionUnavailableError';
}
