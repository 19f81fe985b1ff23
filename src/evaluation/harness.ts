// Grades a labelled essay set with one scorer, in process (no workflow), and measures how far it
// agrees with the human raters, criterion by criterion, plus what hybrid routing would do with
// its results and what it cost (time, tokens).
import { overallScore, type WritingTask } from '../domain/scores.ts';
import { route, type RoutingRules } from '../domain/routing.ts';
import { MalformedOutputError, ProviderUnavailableError } from '../providers/errors.ts';
import type { Scorer, ScoringOutcome, WritingResponse } from '../scoring/scorer.ts';
import { UnscorableResponseError } from '../scoring/scorer.ts';
import { percentile } from '../lib/percentile.ts';
import type { Calibration } from '../scoring/offline-writing-model.ts';
import { fromVstep, type ColumnMapping, type LabelledEssay } from './dataset.ts';
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
  /** The offline scorer's overall (VSTEP 0-10) for hybrid routing's disagreement check (LLM scorers). */
  offlineOpinion?: (response: WritingResponse) => number | undefined;
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
  calibration: Calibration;
  grid: Grid;
  essays: number;
  scored: number;
  /** Essays the scorer could not score (no English words; a provider still failing after the retries). */
  failures: Array<{ id: string; reason: string }>;
  criteria: CriterionReport[];
  routing: { review: number; share: number | null; reasons: Record<string, number> };
  time: { totalSeconds: number; perEssayMs: { mean: number | null; p50: number | null; p95: number | null } };
  /** Summed over all scored essays; null for scorers that call no model. */
  tokens: { prompt: number; completion: number; perEssay: number } | null;
}

interface Scored {
  essay: LabelledEssay;
  outcome: ScoringOutcome;
  ms: number;
  offlineOverall: number | undefined;
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
        scored.push({ essay, outcome, ms: performance.now() - t0, offlineOverall: options.offlineOpinion?.(response) });
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
  const criteria = Object.entries(options.mapping).map(([column, criterion]): CriterionReport => {
    const pairs = scored.flatMap(({ essay, outcome }) => {
      const vstep = criterion === 'overall' ? overallScore(outcome.criteria) : outcome.criteria[criterion]?.score;
      return vstep === undefined ? [] : [[essay.scores[column]!, onDataScale(vstep)] as const];
    });
    return { column, criterion, ...agreement(pairs.map((p) => p[0]), pairs.map((p) => p[1]), options.grid) };
  });

  const reasons: Record<string, number> = {};
  let review = 0;
  for (const { outcome, offlineOverall } of scored) {
    const decision = route(
      { mode: 'hybrid', overall: overallScore(outcome.criteria), confidence: outcome.confidence, flags: outcome.signals.flags, offlineOverall },
      options.routing,
    );
    if (decision.needsReview) review++;
    for (const reason of decision.reasons) reasons[reason] = (reasons[reason] ?? 0) + 1;
  }

  const times = scored.map((s) => s.ms).sort((a, b) => a - b);
  const usage = scored.map((s) => s.outcome.usage).filter((u) => u !== undefined);
  const prompt = usage.reduce((sum, u) => sum + u.promptTokens, 0);
  const completion = usage.reduce((sum, u) => sum + u.completionTokens, 0);
  const first = scored[0]?.outcome;
  return {
    scorer: { provider: scorer.provider, model: first?.model ?? null, version: first?.version ?? null },
    task: options.task,
    calibration: options.calibration,
    grid: options.grid,
    essays: essays.length,
    scored: scored.length,
    failures,
    criteria,
    routing: { review, share: scored.length ? review / scored.length : null, reasons },
    time: {
      totalSeconds: (performance.now() - started) / 1000,
      perEssayMs: { mean: times.length ? times.reduce((a, b) => a + b, 0) / times.length : null, p50: times.length ? percentile(times, 50) : null, p95: times.length ? percentile(times, 95) : null },
    },
    tokens: usage.length ? { prompt, completion, perEssay: (prompt + completion) / usage.length } : null,
  };
}
