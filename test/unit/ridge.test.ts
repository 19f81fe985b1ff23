// The fitting behind the offline writing model: ridge regression and its folds.
import { describe, expect, it } from 'vitest';
import { crossValidatedModels, fitRidge, fitTuned, folds } from '../../src/evaluation/ridge.ts';
import { predictLinear } from '../../src/scoring/offline-writing-model.ts';

// y = 3 + 2a - b exactly, on a small design with no collinearity.
const rows = Array.from({ length: 40 }, (_, i) => ({ a: (i % 7) - 3, b: ((i * 5) % 11) - 5 }));
const y = rows.map((r) => 3 + 2 * r.a - r.b);
const x = rows.map((r) => [r.a, r.b]);

describe('ridge regression', () => {
  it('when the penalty is negligible, then an exact linear relation is recovered', () => {
    const model = fitRidge(['a', 'b'], x, y, 1e-9);
    expect(model.intercept).toBeCloseTo(y.reduce((s, v) => s + v, 0) / y.length, 12);
    for (const [i, r] of rows.entries()) expect(predictLinear(model, r)).toBeCloseTo(y[i]!, 6);
    // Weights are on standardised features: weight / sd is the raw slope.
    expect(model.weights.a!.weight / model.weights.a!.sd).toBeCloseTo(2, 6);
    expect(model.weights.b!.weight / model.weights.b!.sd).toBeCloseTo(-1, 6);
  });

  it('when the penalty grows, then the weights shrink towards zero', () => {
    const small = fitRidge(['a', 'b'], x, y, 1);
    const large = fitRidge(['a', 'b'], x, y, 1000);
    expect(Math.abs(large.weights.a!.weight)).toBeLessThan(Math.abs(small.weights.a!.weight));
    expect(Math.abs(large.weights.a!.weight)).toBeGreaterThan(0);
  });

  it('when folds are drawn with a seed, then they are balanced and the same every time', () => {
    const f = folds(23, 42);
    expect(f).toEqual(folds(23, 42));
    expect(f).not.toEqual(folds(23, 43));
    const sizes = [0, 1, 2, 3, 4].map((k) => f.filter((g) => g === k).length);
    expect(sizes.sort()).toEqual([4, 4, 5, 5, 5]);
  });

  it('when tuned by cross-validation, then the smallest penalty wins on exact data, with almost no shrinkage to undo', () => {
    const model = fitTuned(['a', 'b'], rows, y, 7);
    expect(model.lambda).toBe(0.3);
    expect(model.stretch).toBeGreaterThanOrEqual(1);
    expect(model.stretch).toBeLessThan(1.02);
    const { fold, models } = crossValidatedModels(['a', 'b'], rows, y, 42);
    expect(models).toHaveLength(5);
    expect(fold).toHaveLength(rows.length);
  });
});
