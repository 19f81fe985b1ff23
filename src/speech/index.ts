// createTranscriber(config): the OpenAI-compatible endpoint when one is configured, else
// PocketSphinx when it is installed, else a transcriber that explains what is missing (speaking
// answers then go to a person, or fail in auto mode, with that reason).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/env.ts';
import { OpenAITranscriber } from './openai-transcriber.ts';
import { findOnPath } from '../lib/executables.ts';
import { PocketSphinxTranscriber } from './pocketsphinx-transcriber.ts';
import { TranscriptionUnavailableError, type Transcriber } from './transcriber.ts';

export interface TranscriberChoice {
  transcriber: Transcriber;
  /** Why speech cannot be recognised on this machine, when it cannot. */
  problem?: string;
}

export function createTranscriber(config: Config): TranscriberChoice {
  const t = config.transcription;
  if (t.provider === 'openai') return { transcriber: new OpenAITranscriber(t.openai) };
  const binary = findOnPath(t.pocketsphinx.binary);
  const model = existsSync(path.join(t.pocketsphinx.modelDir, 'en-us.lm.bin'));
  if (!binary || !model) {
    const missing = !binary ? `${t.pocketsphinx.binary} is not installed` : `no acoustic model in ${t.pocketsphinx.modelDir}`;
    const problem =
      `no speech recogniser: ${missing} (apt-get install pocketsphinx pocketsphinx-en-us) ` +
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
    transcriber: new PocketSphinxTranscriber({
      binary,
      modelDir: t.pocketsphinx.modelDir,
      ffmpeg: findOnPath(t.ffmpeg),
      maxSeconds: config.audio.maxSeconds,
    }),
  };
}
