// Fits a calibration (src/scoring/calibration.ts) from held-out errors: used by
// `npm run fit:offline` for the offline scorer and by `npm run eval -- --write-calibration` for
// an LLM. The scorers only evaluate the result.
import { binOf, difficultyOf, type ConformalCalibration } from '../scoring/calibration.ts';
import { fitRidge } from './ridge.ts';

/**
 * The difficulty model on the first part (every `split`-th essay goes to it), bins by difficulty
 * quantiles, and the bins' errors from the rest, so the errors a bin reports never helped choose
 * the bins (split conformal).
 */
export function fitCalibration(
  name: string,
  fittedOn: string,
  items: Array<{ signals: Record<string, number>; error: number }>,
  options: { signalNames: readonly string[]; bins: number; split?: number },
): ConformalCalibration {
  const split = options.split ?? 3;
  const proper = items.filter((_, i) => i % split === 0);
  const rest = items.filter((_, i) => i % split !== 0);
  // A small ridge penalty on standardised signals: the absolute error is noisy.
  const difficulty = fitRidge(options.signalNames, proper.map((x) => options.signalNames.map((k) => x.signals[k] ?? 0)), proper.map((x) => x.error), 1);
  const scored = rest.map((x) => ({ d: difficultyOf(difficulty, x.signals), error: x.error })).sort((a, b) => a.d - b.d);
  const edges: number[] = [];
  for (let b = 1; b < options.bins; b++) edges.push(scored[Math.floor((b * scored.length) / options.bins) - 1]!.d);
  const bins: number[][] = Array.from({ length: options.bins }, () => []);
  for (const x of scored) bins[binOf(edges, x.d)]!.push(x.error);
  for (const bin of bins) bin.sort((a, b) => a - b);
  return { name, fittedOn, difficulty, edges, bins };
}
