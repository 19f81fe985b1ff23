// The offline writing model: one linear model per scored trait over the essay features
// (src/scoring/essay-features.ts), fitted by `scripts/fit-offline-scorer.ts` and stored in
// offline-writing-model.json. Each model predicts on the scale of the human ratings it was
// fitted to (1-5); the calibration maps that onto VSTEP's 0-10.
import { readFileSync } from 'node:fs';
import type { ConformalCalibration } from './calibration.ts';
import { predictLinear, type LinearModel } from './linear-model.ts';

export { predictLinear, type LinearModel } from './linear-model.ts';

/**
 * VSTEP score = slope × data score + intercept. The default maps the ELLIPSE scale (1-5 in
 * 0.5 steps) onto 2-10 in steps of 1: 1 ("minimal command") → 2, 3 → 6 (the B2 threshold),
 * 5 ("native-like") → 10. Scorer output is mapped back with the inverse and snapped to the data's
 * grid, so every metric is computed on the human raters' own scale.
 */
export interface Calibration {
  slope: number;
  intercept: number;
}

/** The traits the writing criteria are read from: taskFulfilment ← overall, organisation ← cohesion. */
export const modelTraits = ['overall', 'cohesion', 'vocabulary', 'grammar'] as const;
export type ModelTrait = (typeof modelTraits)[number];

export interface WritingModelFile {
  version: string;
  /** What the model was fitted on and how (for people reading the file). */
  fittedOn: string;
  calibration: Calibration;
  features: string[];
  traits: Record<ModelTrait, LinearModel>;
  /** Cross-validated agreement on the training set, as printed by the fitting script. */
  crossValidated: Record<string, unknown>;
  /** The calibrated error of the overall (src/scoring/calibration.ts), from out-of-fold errors. */
  uncertainty?: ConformalCalibration;
}

export const writingModelPath = new URL('./offline-writing-model.json', import.meta.url);

let loaded: WritingModelFile | undefined;
export function writingModel(): WritingModelFile {
  loaded ??= JSON.parse(readFileSync(writingModelPath, 'utf8')) as WritingModelFile;
  return loaded;
}

/** Each trait's prediction mapped onto VSTEP's 0-10 (not yet rounded or adjusted for length). */
export function predictTraits(features: Readonly<Record<string, number>>, file: WritingModelFile = writingModel()): Record<ModelTrait, number> {
  const { slope, intercept } = file.calibration;
  const vstep = (trait: ModelTrait) => Math.min(10, Math.max(0, slope * predictLinear(file.traits[trait], features) + intercept));
  return { overall: vstep('overall'), cohesion: vstep('cohesion'), vocabulary: vstep('vocabulary'), grammar: vstep('grammar') };
}
