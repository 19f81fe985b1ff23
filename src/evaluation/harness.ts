// Grades a labelled essay set with one scorer, in process (no workflow), and measures how far it
// agrees with the human raters, criterion by criterion, plus what hybrid routing would do with
// its results and what it cost (time, tokens).
import { overallScore, type WritingTask } from '../domain/scores.ts';
import { defaultAutoAcceptProbability, route, type RoutingRules } from '../domain/routing.ts';
import { confidenceOf, type Uncertainty } from '../domain/uncertainty.ts';
import type { ConformalCalibration } from '../scoring/calibration.ts';
import { fitCalibration } from './calibration-fit.ts';
import { calibratedUncertainty, llmCalibrationSignalNames, llmSignals, type SecondOpinion } from '../scoring/confidence.ts';
import { routingTradeOff, type RoutingTradeOff } from './routing-report.ts';
import { MalformedOutputError, ProviderUnavailableError } from '../providers/errors.ts';
import type { Scorer, ScoringOutcome, WritingResponse } from '../scoring/scorer.ts';
import { UnscorableResponseError } from '../scoring/scorer.ts';
import { percentile } from '../lib/percentile.ts';
import type { Calibration } from '../scoring/offline-writing-model.ts';
import { fromVstep, toVstep, type ColumnMapping, type LabelledEssay } from './dataset.ts';
import { agreement, categoryOf, gridValues, type Agreement, type Grid } from './metrics.ts';

export interface EvaluationOptions {
  task: WritingTask;
  /** The task prompt every essay answers (the data set has none of its own). */
  prompt: string;
  mapping: ColumnMapping;
  calibration: Calibration;
  grid: Grid;
  routing: RoutingRules;
  /** Essays scored at the same time (LLM scorers); 1 for the offline scorer. */
  concurrency: number;
  /** Further attempts after a provider is unavailable or answers malformed output. */
  retries: number;
  /** The offline scorer's second opinion (LLM scorers): its distance bounds or conditions the LLM's confidence. */
  offlineOpinion?: (response: WritingResponse) => SecondOpinion | undefined;
  onProgress?: (done: number, total: number) => void;
  /** Waits between attempts; replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface CriterionReport extends Agreement {
  column: string;
  criterion: string;
}

export interface EvaluationReport {
  scorer: { provider: string; model: string | null; version: string | null };
  task: WritingTask;
  mapping: ColumnMapping;
  calibration: Calibration;
  grid: Grid;
  essays: number;
  scored: number;
  /** Essays the scorer could not score (no English words; a provider still failing after the retries). */
  failures: Array<{ id: string; reason: string }>;
  criteria: CriterionReport[];
  /** Hybrid routing at the configured accept probability, and the trade-off across others. */
  routing: { acceptProbability: number; review: number; share: number | null; reasons: Record<string, number>; tradeOff: RoutingTradeOff | null };
  /** Per essay, on the data's own scale: anyone can recompute every figure from these. */
  predictions: Prediction[];
  time: { totalSeconds: number; perEssayMs: { mean: number | null; p50: number | null; p95: number | null } };
  /** Summed over all scored essays; null for scorers that call no model. */
  tokens: { prompt: number; completion: number; perEssay: number } | null;
}

export interface Prediction {
  id: string;
  human: Record<string, number>;
  predicted: Record<string, number>;
  /** The calibrated interval of the overall on the data's scale, and the probability of ±1.0 VSTEP (null: uncalibrated). */
  interval: { low: number; high: number; level: number } | null;
  probabilityWithin1: number | null;
  /** What the calibration reads (src/scoring/confidence.ts), so a calibration can be fitted from the report. */
  signals: Record<string, number>;
  needsReview: boolean;
  reasons: string[];
}

interface Scored {
  essay: LabelledEssay;
  outcome: ScoringOutcome;
  ms: number;
  offline: SecondOpinion | undefined;
  uncertainty: Uncertainty | undefined;
}

async function scoreWithRetries(scorer: Scorer, response: WritingResponse, options: EvaluationOptions): Promise<ScoringOutcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await scorer.scoreWriting(response);
    } catch (error) {
      const retryable = error instanceof ProviderUnavailableError || error instanceof MalformedOutputError;
      if (!retryable || attempt >= options.retries) throw error;
      const asked = error instanceof ProviderUnavailableError ? error.retryAfterMs : undefined;
      await sleep(Math.min(30_000, asked ?? 1000 * 2 ** attempt));
    }
  }
}

export async function evaluate(scorer: Scorer, essays: readonly LabelledEssay[], options: EvaluationOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const scored: Scored[] = [];
  const failures: EvaluationReport['failures'] = [];
  let next = 0;
  let done = 0;
  options.onProgress?.(0, essays.length);
  const lane = async () => {
    while (next < essays.length) {
      const essay = essays[next++]!;
      // The evaluation's prompt is the task the raters marked against: staff's, as in production.
      const response: WritingResponse = { task: options.task, prompt: options.prompt, promptTrusted: true, text: essay.text };
      const t0 = performance.now();
      try {
        const outcome = await scoreWithRetries(scorer, response, options);
        const offline = options.offlineOpinion?.(response);
        scored.push({ essay, outcome, ms: performance.now() - t0, offline, uncertainty: calibratedUncertainty(outcome, offline, scorer.calibration) });
      } catch (error) {
        // Failed essays are part of the result; anything else (a rejected key, an unknown
        // model) ends the run: its numbers would mean nothing.
        if (!(error instanceof UnscorableResponseError || error instanceof ProviderUnavailableError || error instanceof MalformedOutputError)) throw error;
        failures.push({ id: essay.id, reason: error.message });
      }
      options.onProgress?.(++done, essays.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, essays.length)) }, lane));
  // Lanes finish in any order: report in the data set's order.
  const order = new Map(essays.map((e, i) => [e, i]));
  scored.sort((a, b) => order.get(a.essay)! - order.get(b.essay)!);

  const categories = gridValues(options.grid);
  const onDataScale = (vstep: number) => categories[categoryOf(fromVstep(vstep, options.calibration), options.grid)]!;
  const vstepOf = (outcome: ScoringOutcome, criterion: string) => (criterion === 'overall' ? overallScore(outcome.criteria) : outcome.criteria[criterion]?.score);
  const criteria = Object.entries(options.mapping).map(([column, criterion]): CriterionReport => {
    const pairs = scored.flatMap(({ essay, outcome }) => {
      const vstep = vstepOf(outcome, criterion);
      return vstep === undefined ? [] : [[essay.scores[column]!, onDataScale(vstep)] as const];
    });
    return { column, criterion, ...agreement(pairs.map((p) => p[0]), pairs.map((p) => p[1]), options.grid) };
  });

  const acceptProbability = options.routing.autoAcceptProbability ?? defaultAutoAcceptProbability;
  const reasons: Record<string, number> = {};
  let review = 0;
  const predictions = scored.map(({ essay, outcome, uncertainty, offline }): Prediction => {
    const decision = route(
      { mode: 'hybrid', overall: overallScore(outcome.criteria), confidence: outcome.confidence, uncertainty, flags: outcome.signals.flags },
      options.routing,
    );
    if (decision.needsReview) review++;
    for (const reason of decision.reasons) reasons[reason] = (reasons[reason] ?? 0) + 1;
    const dataScale = (vstep: number) => Number(fromVstep(vstep, options.calibration).toFixed(3));
    return {
      id: essay.id,
      human: Object.fromEntries(Object.keys(options.mapping).map((column) => [column, essay.scores[column]!])),
      predicted: Object.fromEntries(
        Object.entries(options.mapping).flatMap(([column, criterion]) => {
          const vstep = vstepOf(outcome, criterion);
          return vstep === undefined ? [] : [[column, dataScale(vstep)]];
        }),
      ),
      interval: uncertainty ? { low: dataScale(uncertainty.interval.low), high: dataScale(uncertainty.interval.high), level: uncertainty.interval.level } : null,
      probabilityWithin1: uncertainty ? confidenceOf(uncertainty) : null,
      signals: llmSignals(outcome, overallScore(outcome.criteria), offline),
      needsReview: decision.needsReview,
      reasons: decision.reasons,
    };
  });
  const overallColumn = Object.entries(options.mapping).find(([, criterion]) => criterion === 'overall')?.[0];
  const tradeOff = overallColumn
    ? routingTradeOff(
        scored.map(({ essay, outcome, uncertainty }) => ({
          overall: overallScore(outcome.criteria),
          human: toVstep(essay.scores[overallColumn]!, options.calibration),
          flags: outcome.signals.flags,
          uncertainty,
        })),
        options.routing,
      )
    : null;

  const times = scored.map((s) => s.ms).sort((a, b) => a - b);
  const usage = scored.map((s) => s.outcome.usage).filter((u) => u !== undefined);
  const prompt = usage.reduce((sum, u) => sum + u.promptTokens, 0);
  const completion = usage.reduce((sum, u) => sum + u.completionTokens, 0);
  const first = scored[0]?.outcome;
  return {
    scorer: { provider: scorer.provider, model: first?.model ?? null, version: first?.version ?? null },
    task: options.task,
    mapping: options.mapping,
    calibration: options.calibration,
    grid: options.grid,
    essays: essays.length,
    scored: scored.length,
    failures,
    criteria,
    routing: { acceptProbability, review, share: scored.length ? review / scored.length : null, reasons, tradeOff },
    predictions,
    time: {
      totalSeconds: (performance.now() - started) / 1000,
      perEssayMs: { mean: times.length ? times.reduce((a, b) => a + b, 0) / times.length : null, p50: times.length ? percentile(times, 50) : null, p95: times.length ? percentile(times, 95) : null },
    },
    tokens: usage.length ? { prompt, completion, perEssay: (prompt + completion) / usage.length } : null,
  };
}

/**
 * A calibration of the scorer from a run's held-out errors (the scorer was never fitted on these
 * essays): what `npm run eval -- --write-calibration` stores for an LLM. Needs the human overall.
 */
export function calibrationFromReport(report: EvaluationReport, model: string): ConformalCalibration {
  const overallColumn = Object.entries(report.mapping).find(([, criterion]) => criterion === 'overall')?.[0];
  if (!overallColumn) throw new Error('a calibration needs the human overall: map a data column to overall');
  const items = report.predictions.flatMap((p) => {
    const predicted = p.predicted[overallColumn];
    return predicted === undefined ? [] : [{ signals: p.signals, error: Math.abs(toVstep(predicted, report.calibration) - toVstep(p.human[overallColumn]!, report.calibration)) }];
  });
  if (items.length < 20) throw new Error(`a calibration needs at least 20 scored essays, not ${items.length}`);
  // Named for the configured model: a server may answer with a dated snapshot name.
  return {
    ...fitCalibration(`${report.scorer.provider}:${model}`, `${items.length} essays of an evaluation run`, items, {
      signalNames: llmCalibrationSignalNames,
      bins: Math.max(1, Math.min(4, Math.floor(items.length / 60))),
    }),
    ...(report.scorer.version ? { scorerVersion: report.scorer.version } : {}),
  };
}
