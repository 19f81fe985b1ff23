import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { BaselineScorer } from './baseline-scorer.ts';
import type { ConformalCalibration } from './calibration.ts';
import { LlmScorer } from './llm-scorer.ts';
import { writingPromptVersion, writingRubricVersion } from './writing-rubric.ts';
import type { Scorer } from './scorer.ts';

/**
 * A calibration written by `npm run eval -- --scorer llm --write-calibration`, for the configured
 * model only: another model's errors say nothing about this one's.
 */
const ascending = (xs: readonly number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);
const calibrationFile = z
  .object({
    name: z.string(),
    fittedOn: z.string(),
    scorerVersion: z.string().optional(),
    difficulty: z.object({
      intercept: z.number(),
      lambda: z.number(),
      stretch: z.number(),
      weights: z.record(z.string(), z.object({ mean: z.number(), sd: z.number(), weight: z.number() })),
    }),
    edges: z.array(z.number()).refine(ascending, 'edges must be ascending'),
    bins: z.array(z.array(z.number().min(0)).refine(ascending, 'each bin\'s errors must be ascending')),
  })
  .refine((c) => c.bins.length === c.edges.length + 1, 'there must be one bin more than edges');

export function readLlmCalibration(file: string, model: string): ConformalCalibration {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`SCORING_CALIBRATION_FILE ${file} cannot be read as a calibration: ${(error as Error).message}`);
  }
  const result = calibrationFile.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`SCORING_CALIBRATION_FILE ${file} is not a calibration: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const calibration = result.data;
  if (calibration.name !== `openai:${model}`) {
    throw new Error(`SCORING_CALIBRATION_FILE ${file} calibrates ${calibration.name}, not the configured model openai:${model}`);
  }
  // Another rubric or prompt makes other errors: the calibration says nothing about them.
  const version = `${writingRubricVersion}+${writingPromptVersion}`;
  if (calibration.scorerVersion !== undefined && calibration.scorerVersion !== version) {
    throw new Error(`SCORING_CALIBRATION_FILE ${file} was fitted for ${calibration.scorerVersion}, not the current ${version}: run the evaluation again`);
  }
  return calibration;
}

export function createScorer(config: Config): Scorer {
  const { provider, openai, calibrationFile } = config.scoring;
  if (provider !== 'openai') return new BaselineScorer();
  return new LlmScorer({ ...openai, ...(calibrationFile ? { calibration: readLlmCalibration(calibrationFile, openai.model) } : {}) });
}
