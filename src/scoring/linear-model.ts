// A linear model over standardised inputs, as the fitting code (src/evaluation/ridge.ts) writes
// it: the offline writing model's traits and a calibration's difficulty model are both this.

export interface LinearModel {
  /** The mean human score of the training essays. */
  intercept: number;
  /** Ridge penalty chosen by cross-validation. */
  lambda: number;
  /** Spread restored after ridge shrinkage: prediction = intercept + stretch × Σ weight × z. */
  stretch: number;
  /** Per feature: the training mean and standard deviation (for z) and the weight on z. */
  weights: Record<string, { mean: number; sd: number; weight: number }>;
}

/** The model's prediction on its training scale: ȳ + stretch × Σ weight × (x - mean) / sd. */
export function predictLinear(model: LinearModel, features: Readonly<Record<string, number>>, stretched = true): number {
  let s = 0;
  for (const [name, { mean, sd, weight }] of Object.entries(model.weights)) s += (weight * ((features[name] ?? 0) - mean)) / sd;
  return model.intercept + (stretched ? model.stretch : 1) * s;
}
