import { readFileSync } from 'node:fs';
import type { Config } from '../config/env.ts';
import { BaselineScorer } from './baseline-scorer.ts';
import type { ConformalCalibration } from './calibration.ts';
import { LlmScorer } from './llm-scorer.ts';
import type { Scorer } from './scorer.ts';

/**
 * A calibration written by `npm run eval -- --scorer llm --write-calibration`, for the configured
 * model only: another model's errors say nothing about this one's.
 */
export function readLlmCalibration(file: string, model: string): ConformalCalibration {
  let calibration: ConformalCalibration;
  try {
    calibration = JSON.parse(readFileSync(file, 'utf8')) as ConformalCalibration;
  } catch (error) {
    throw new Error(`SCORING_CALIBRATION_FILE ${file} cannot be read as a calibration: ${(error as Error).message}`);
  }
  if (!Array.isArray(calibration.bins) || !Array.isArray(calibration.edges) || typeof calibration.name !== 'string') {
    throw new Error(`SCORING_CALIBRATION_FILE ${file} is not a calibration (no name, edges and bins)`);
  }
  if (calibration.name !== `openai:${model}`) {
    throw new Error(`SCORING_CALIBRATION_FILE ${file} calibrates ${calibration.name}, not the configured model openai:${model}`);
  }
  return calibration;
}

export function createScorer(config: Config): Scorer {
  const { provider, openai, calibrationFile } = config.scoring;
  if (provider !== 'openai') return new BaselineScorer();
  return new LlmScorer({ ...openai, ...(calibrationFile ? { calibration: readLlmCalibration(calibrationFile, openai.model) } : {}) });
}
