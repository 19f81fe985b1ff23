// What calibrated hybrid routing does on a labelled set: at each accept probability, the share of
// essays finalised without a person, and how close those finals are to the human overall, next to
// the same closeness for every essay. The per-essay inputs are in the JSON reports, so anyone can
// recompute these figures.
import { route, type RoutingRules } from '../domain/routing.ts';
import type { Uncertainty } from '../domain/uncertainty.ts';

/** Accept probabilities the trade-off table covers: 0.80-0.99, and below, to show where a weak scorer starts to finalise. */
export const acceptProbabilities = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99] as const;

export interface RoutedEssay {
  /** The scorer's overall and the human overall, both on VSTEP's 0-10. */
  overall: number;
  human: number;
  flags: readonly string[];
  uncertainty?: Uncertainty;
}

export interface RoutingRow {
  acceptProbability: number;
  essays: number;
  autoFinalised: number;
  autoShare: number | null;
  /** Among the auto-finalised: share within ±1.0 and ±0.5 of the human overall. */
  autoWithin1: number | null;
  autoWithinHalf: number | null;
}

export interface RoutingTradeOff {
  /** Every essay scored, whatever routing would do: share within ±1.0 and ±0.5. */
  all: { essays: number; within1: number | null; withinHalf: number | null };
  rows: RoutingRow[];
}

const share = (k: number, n: number) => (n ? k / n : null);
const within = (e: RoutedEssay, t: number) => Math.abs(e.overall - e.human) <= t + 1e-9;

/** Whether hybrid routing finalises an essay at the given accept probability. */
export function autoFinalised(e: RoutedEssay, rules: RoutingRules, acceptProbability: number): boolean {
  const decision = route(
    { mode: 'hybrid', overall: e.overall, confidence: 0, flags: e.flags, uncertainty: e.uncertainty },
    { ...rules, autoAcceptProbability: acceptProbability },
  );
  return !decision.needsReview;
}

export function routingTradeOff(essays: readonly RoutedEssay[], rules: RoutingRules, probabilities: readonly number[] = acceptProbabilities): RoutingTradeOff {
  const rows = probabilities.map((acceptProbability): RoutingRow => {
    const auto = essays.filter((e) => autoFinalised(e, rules, acceptProbability));
    return {
      acceptProbability,
      essays: essays.length,
      autoFinalised: auto.length,
      autoShare: share(auto.length, essays.length),
      autoWithin1: share(auto.filter((e) => within(e, 1)).length, auto.length),
      autoWithinHalf: share(auto.filter((e) => within(e, 0.5)).length, auto.length),
    };
  });
  return {
    all: { essays: essays.length, within1: share(essays.filter((e) => within(e, 1)).length, essays.length), withinHalf: share(essays.filter((e) => within(e, 0.5)).length, essays.length) },
    rows,
  };
}

const percent = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/** The trade-off as a terminal table. */
export function formatTradeOff(t: RoutingTradeOff, marked?: number): string {
  const header = ['accept probability', 'auto-finalised', 'share', 'of those ±1.0', 'of those ±0.5'];
  const rows = t.rows.map((r) => [
    `${r.acceptProbability.toFixed(2)}${r.acceptProbability === marked ? ' *' : ''}`,
    `${r.autoFinalised}/${r.essays}`,
    percent(r.autoShare),
    percent(r.autoWithin1),
    percent(r.autoWithinHalf),
  ]);
  rows.push(['all essays (no routing)', `${t.all.essays}`, '100.0%', percent(t.all.within1), percent(t.all.withinHalf)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
