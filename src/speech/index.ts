// createTranscriber(config): the OpenAI-compatible endpoint when one is configured, else the
// platform's offline Whisper server (WHISPER_URL; `npm start` runs one when it is installed),
// else a transcriber that explains what is missing (speaking answers then go to a person, or
// fail in auto mode, with that reason).
import type { Config } from '../config/env.ts';
import { OpenAITranscriber } from './openai-transcriber.ts';
import { readRecognitionCalibration } from './recognition-calibration.ts';
import { TranscriptionUnavailableError, type Transcriber } from './transcriber.ts';

export interface TranscriberChoice {
  transcriber: Transcriber;
  /** Why speech cannot be recognised on this machine, when it cannot. */
  problem?: string;
}

export const offlineRecogniserProvider = 'whisper';

export function createTranscriber(config: Config): TranscriberChoice {
  const t = config.transcription;
  if (t.provider === 'openai') return { transcriber: new OpenAITranscriber(t.openai) };
  if (!t.whisper.url) {
    const problem =
      'no speech recogniser: the offline Whisper recogniser is not running (WHISPER_URL is unset; `npm run setup` installs it and `npm start` runs it) ' +
      'and no OpenAI-compatible transcription endpoint is configured (OPENAI_API_KEY / OPENAI_BASE_URL)';
    return {
      problem,
      transcriber: {
        provider: 'none',
        transcribe: () => Promise.reject(new TranscriptionUnavailableError(problem)),
      },
    };
  }
  return {
    transcriber: new OpenAITranscriber({
      baseUrl: t.whisper.url,
      model: t.whisper.model,
      timeoutSeconds: t.openai.timeoutSeconds,
      provider: offlineRecogniserProvider,
      calibration: readRecognitionCalibration(),
    }),
  };
}
