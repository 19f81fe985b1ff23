// npm run fit:offline -- --data <ratings.csv> [--out <model.json>]
// Fits the offline writing model (src/scoring/offline-writing-model.json) to human-rated essays:
// a ridge model per trait over the essay features, penalty and stretch chosen by inner
// cross-validation. Before writing it, it measures what the whole offline scorer achieves on
// essays it was not fitted to: nested 5-fold cross-validation, repeated with five fold seeds;
// each held-out essay is scored exactly as in production (criteria on the 0.5 grid, the overall
// from them) with the models of the other folds, and compared on the raters' own scale.
// The held-out errors of the overall also calibrate the scorer's confidence (src/scoring/
// calibration.ts): the calibration written with the model comes from one seed's out-of-fold
// errors, and the routing figures it prints are cross-validated once more, each essay's
// probability coming from a calibration fitted on the other folds' essays only.
// The CSV needs `text` and the columns overall, cohesion, vocabulary and grammar (1-5 in 0.5
// steps), as in ELLIPSE. Only numbers are written; the essays stay where they are.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { overallScore } from '../src/domain/scores.ts';
import { defaultCalibration, defaultGrid, fromVstep, readLabelledEssays, toVstep } from '../src/evaluation/dataset.ts';
import { agreement, categoryOf, gridValues } from '../src/evaluation/metrics.ts';
import { crossValidatedModels, fitTuned, folds } from '../src/evaluation/ridge.ts';
import { formatTradeOff, routingTradeOff, type RoutedEssay } from '../src/evaluation/routing-report.ts';
import { loadConfig } from '../src/config/env.ts';
import { scoreAnalysedWritingWithSignals } from '../src/scoring/baseline-scorer.ts';
import { calibrationSignalNames, uncertaintyOf, type ConformalCalibration } from '../src/scoring/calibration.ts';
import { fitCalibration } from '../src/evaluation/calibration-fit.ts';
import { analyseEssay, FEATURE_NAMES, loadResources } from '../src/scoring/essay-features.ts';
import { modelTraits, writingModelPath, type LinearModel, type ModelTrait, type WritingModelFile } from '../src/scoring/offline-writing-model.ts';

const { values: args } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
if (!args.data) {
  process.stderr.write('Usage: npm run fit:offline -- --data <ratings.csv> [--out <model.json>]\n');
  process.exit(2);
}

const version = 'offline-writing-3';
/** Difficulty bins of the calibration: about 65 held-out errors each on 400 essays. */
const calibrationBins = 4;
const seeds = [42, 43, 44, 45, 46];
/** Which trait model each criterion reads, and which human column it is compared with. */
const criterionColumns: Record<string, ModelTrait> = { overall: 'overall', taskFulfilment: 'overall', organisation: 'cohesion', vocabulary: 'vocabulary', grammar: 'grammar' };

const mapping = Object.fromEntries(modelTraits.map((t) => [t, t]));
const essays = await readLabelledEssays(args.data, { mapping });
const started = performance.now();
loadResources();
const analyses = essays.map((e) => analyseEssay(e.text));
process.stdout.write(`${essays.length} essays analysed in ${((performance.now() - started) / 1000).toFixed(1)} s (resources included)\n`);

const rows = analyses.map((a) => a.features as Record<string, number>);
const y = (trait: ModelTrait) => essays.map((e) => e.scores[trait]!);
const categories = gridValues(defaultGrid);
const snap = (x: number) => categories[categoryOf(x, defaultGrid)]!;
const fileWith = (traits: Record<ModelTrait, LinearModel>): WritingModelFile => ({
  version,
  fittedOn: '',
  calibration: defaultCalibration,
  features: [...FEATURE_NAMES],
  traits,
  crossValidated: {},
});

/** Mean over seeds of each measure, per criterion. */
const sums: Record<string, Record<string, number>> = {};
const measures = ['qwk', 'pearson', 'rmse', 'exact', 'adjacent'] as const;
type Held = { signals: Record<string, number>; error: number; routed: RoutedEssay };
const heldOut: Held[][] = [];
const calibrate = (items: Held[]): ConformalCalibration =>
  fitCalibration(version, `out-of-fold errors of ${items.length} essays`, items, { signalNames: calibrationSignalNames, bins: calibrationBins });
for (const seed of seeds) {
  const held: Held[] = [];
  const cv = Object.fromEntries(modelTraits.map((t) => [t, crossValidatedModels(FEATURE_NAMES, rows, y(t), seed)])) as Record<ModelTrait, ReturnType<typeof crossValidatedModels>>;
  const predicted: Record<string, number[]> = {};
  essays.forEach((essay, i) => {
    const fold = cv.overall.fold[i]!;
    const models = Object.fromEntries(modelTraits.map((t) => [t, cv[t].models[fold]!])) as Record<ModelTrait, LinearModel>;
    const { outcome, signals } = scoreAnalysedWritingWithSignals({ task: 'task2', prompt: '', text: essay.text }, analyses[i]!, fileWith(models));
    const vstep: Record<string, number> = { overall: overallScore(outcome.criteria), ...Object.fromEntries(Object.entries(outcome.criteria).map(([c, a]) => [c, a.score])) };
    const human = toVstep(essay.scores.overall!, defaultCalibration);
    held.push({ signals, error: Math.abs(vstep.overall! - human), routed: { overall: vstep.overall!, human, flags: outcome.signals.flags } });
    for (const criterion of Object.keys(criterionColumns)) (predicted[criterion] ??= []).push(snap(fromVstep(vstep[criterion]!, defaultCalibration)));
  });
  for (const [criterion, trait] of Object.entries(criterionColumns)) {
    const a = agreement(y(trait), predicted[criterion]!, defaultGrid);
    for (const m of measures) (sums[criterion] ??= {})[m] = (sums[criterion]![m] ?? 0) + a[m]! / seeds.length;
  }
  heldOut.push(held);
}

// Routing, cross-validated: each essay's probability from a calibration of the other folds' essays.
const routed: RoutedEssay[] = [];
heldOut.forEach((held, s) => {
  const fold = folds(held.length, seeds[s]! + 100);
  for (let f = 0; f < 5; f++) {
    const calibration = calibrate(held.filter((_, i) => fold[i] !== f));
    held.forEach((h, i) => {
      if (fold[i] === f) routed.push({ ...h.routed, uncertainty: uncertaintyOf(calibration, h.routed.overall, h.signals) });
    });
  }
});
// The defaults, not a local .env: the figures written into the model file must not depend on who ran it.
const rules = loadConfig({}).grading.routing;
const tradeOff = routingTradeOff(routed, rules);

const crossValidated = {
  routing: {
    method: `each essay's probability from a calibration fitted on the other four folds' out-of-fold errors; pooled over the ${seeds.length} fold seeds (${routed.length} essay scorings); boundary margin ${rules.boundaryMargin}`,
    all: tradeOff.all,
    rows: tradeOff.rows,
  },
  method: `nested 5-fold cross-validation, mean over fold seeds ${seeds.join(', ')}; the whole scorer (task2, no prompt) on held-out essays, compared on the raters' 1-5 grid`,
  criteria: Object.fromEntries(
    Object.entries(criterionColumns).map(([criterion, trait]) => [
      criterion,
      { column: trait, ...(Object.fromEntries(measures.map((m) => [m, Number(sums[criterion]![m]!.toFixed(3))])) as Record<(typeof measures)[number], number>) },
    ]),
  ),
};
process.stdout.write(`\nCross-validated (${crossValidated.method}):\n`);
process.stdout.write(`${'criterion ← column'.padEnd(28)}${measures.map((m) => m.padStart(10)).join('')}\n`);
for (const [criterion, row] of Object.entries(crossValidated.criteria)) {
  process.stdout.write(`${`${criterion} ← ${row.column}`.padEnd(28)}${measures.map((m) => String(row[m]).padStart(10)).join('')}\n`);
}

process.stdout.write(`\nHybrid routing, cross-validated (${crossValidated.routing.method}):\n${formatTradeOff(tradeOff, rules.autoAcceptProbability)}\n`);

const traits = Object.fromEntries(modelTraits.map((t) => [t, fitTuned(FEATURE_NAMES, rows, y(t), 7)])) as Record<ModelTrait, LinearModel>;
const model: WritingModelFile = {
  ...fileWith(traits),
  fittedOn: `${essays.length} human-rated learner essays (ELLIPSE development set, scores 1-5); refit with npm run fit:offline`,
  crossValidated,
  uncertainty: calibrate(heldOut[0]!),
};
const out = args.out ?? writingModelPath;
await writeFile(out, `${JSON.stringify(model, null, 2)}\n`);
process.stdout.write(`\nModel written to ${out instanceof URL ? out.pathname : out}\n`);
