// What a recogniser's word probabilities mean in errors. `npm run eval:speech` transcribes the
// generated speech set, and for each recording takes its mean word probability and its word
// error rate (WER) against what was said. An isotonic (pool-adjacent-violators) fit of WER on
// that probability, weighted by the words in each recording, gives a non-increasing step function
// (each step resting on at least ten recordings).
// A transcript's confidence is 1 minus the WER expected at its probability. The routing rule
// "review below GRADING_MIN_TRANSCRIPTION_CONFIDENCE" then reads as a measured error rate: 0.85
// means "the recordings that sounded like this one were recognised with more than 15 % of words wrong".
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const stepSchema = z.object({
  /** Mean word probabilities from this value up (to the next step's) share this WER. */
  from: z.number().min(0).max(1),
  wer: z.number().min(0),
  recordings: z.number().int().positive(),
  words: z.number().int().positive(),
});

export const recognitionCalibrationSchema = z.object({
  /** The model (as the server names it) and the settings the fit holds for. */
  model: z.string().min(1),
  fittedOn: z.string().min(1),
  steps: z.array(stepSchema).min(1),
});

export type RecognitionCalibration = z.infer<typeof recognitionCalibrationSchema>;

export interface CalibrationSample {
  meanWordProbability: number;
  wer: number;
  /** Words in what was said (the fit's weight). */
  words: number;
}

/** Expected WER at a mean word probability: the step it falls in (below the first step: the first's). */
export function expectedWer(calibration: RecognitionCalibration, meanWordProbability: number): number {
  let wer = calibration.steps[0]!.wer;
  for (const step of calibration.steps) if (meanWordProbability >= step.from) wer = step.wer;
  return wer;
}

/** Confidence: the expected share of words recognised right (0-1). */
export const calibratedConfidence = (calibration: RecognitionCalibration, meanWordProbability: number) =>
  Math.max(0, Math.min(1, 1 - expectedWer(calibration, meanWordProbability)));

/**
 * Weighted isotonic regression of WER on mean word probability, non-increasing. Steps resting on
 * fewer than `minRecordings` recordings are pooled with their neighbour (the last with the one
 * before it), so that no step's WER is one lucky recording; pooling neighbours keeps the order.
 */
export function fitRecognitionCalibration(
  model: string,
  fittedOn: string,
  samples: readonly CalibrationSample[],
  { minRecordings = 1 }: { minRecordings?: number } = {},
): RecognitionCalibration {
  if (samples.length === 0) throw new Error('no recordings to calibrate on');
  const sorted = [...samples].sort((a, b) => a.meanWordProbability - b.meanWordProbability);
  const blocks: Array<{ from: number; sum: number; weight: number; recordings: number }> = [];
  for (const s of sorted) {
    const weight = Math.max(1, s.words);
    blocks.push({ from: s.meanWordProbability, sum: s.wer * weight, weight, recordings: 1 });
    // WER must not rise with probability: merge while the last block's mean exceeds the one before.
    while (blocks.length > 1 && blocks.at(-1)!.sum / blocks.at(-1)!.weight > blocks.at(-2)!.sum / blocks.at(-2)!.weight) {
      const last = blocks.pop()!;
      const prev = blocks.at(-1)!;
      prev.sum += last.sum;
      prev.weight += last.weight;
      prev.recordings += last.recordings;
    }
  }
  const pooled: typeof blocks = [];
  for (const block of blocks) {
    const last = pooled.at(-1);
    if (last && last.recordings < minRecordings) {
      last.sum += block.sum;
      last.weight += block.weight;
      last.recordings += block.recordings;
    } else pooled.push({ ...block });
  }
  while (pooled.length > 1 && pooled.at(-1)!.recordings < minRecordings) {
    const last = pooled.pop()!;
    const prev = pooled.at(-1)!;
    prev.sum += last.sum;
    prev.weight += last.weight;
    prev.recordings += last.recordings;
  }
  return {
    model,
    fittedOn,
    steps: pooled.map((b) => ({
      from: Math.round(b.from * 1000) / 1000,
      wer: Math.round((b.sum / b.weight) * 1000) / 1000,
      recordings: b.recordings,
      words: Math.round(b.weight),
    })),
  };
}

export const recognitionCalibrationFile = new URL('./whisper-calibration.json', import.meta.url);

/** The calibration `npm run eval:speech -- --write-calibration` wrote, or null when there is none. */
export function readRecognitionCalibration(file: URL | string = recognitionCalibrationFile): RecognitionCalibration | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return recognitionCalibrationSchema.parse(JSON.parse(text));
}
