// The evaluation report as terminal text: agreement per criterion, the overall confusion
// matrix, what hybrid routing would do, and the cost.
import type { EvaluationReport } from './harness.ts';
import { formatTradeOff } from './routing-report.ts';

const fixed = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
const percent = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatReport(report: EvaluationReport): string {
  const { scorer, calibration } = report;
  const out: string[] = [];
  out.push(
    `Scorer ${scorer.provider}${scorer.model ? ` (${scorer.model})` : ''}, version ${scorer.version ?? 'n/a'}; ` +
      `${report.scored} of ${report.essays} essays scored as ${report.task}; VSTEP = ${calibration.slope} × data + ${calibration.intercept}.`,
    '',
    table(
      ['data column → criterion', 'n', 'QWK', 'Pearson r', 'RMSE', 'exact', 'adjacent', 'mean human', 'mean scorer'],
      report.criteria.map((c) => [
        `${c.column} → ${c.criterion}`,
        String(c.n),
        fixed(c.qwk),
        fixed(c.pearson),
        fixed(c.rmse),
        percent(c.exact),
        percent(c.adjacent),
        fixed(c.meanHuman, 2),
        fixed(c.meanPredicted, 2),
      ]),
    ),
  );
  const overall = report.criteria.find((c) => c.criterion === 'overall') ?? report.criteria[0];
  if (overall && overall.n > 0) {
    out.push(
      '',
      `Confusion matrix, ${overall.column} (rows: human, columns: scorer, on the data's scale):`,
      table(
        ['', ...overall.categories.map((c) => c.toFixed(1))],
        overall.confusion.map((row, i) => [overall.categories[i]!.toFixed(1), ...row.map(String)]),
      ),
    );
  }
  const reasons = Object.entries(report.routing.reasons).sort((a, b) => b[1] - a[1]);
  out.push(
    '',
    `Hybrid routing at accept probability ${report.routing.acceptProbability} would send ${report.routing.review} of ${report.scored} (${percent(report.routing.share)}) to review` +
      (reasons.length ? `: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}.` : '.'),
  );
  if (report.routing.tradeOff) {
    out.push(
      '',
      'The routing guarantee: essays finalised without a person at each accept probability, and how close they are to the human overall (±1.0 and ±0.5 VSTEP points):',
      formatTradeOff(report.routing.tradeOff, report.routing.acceptProbability),
    );
  }
  out.push(
    '',
    `Time: ${report.time.totalSeconds.toFixed(1)} s in all; per essay mean ${fixed(report.time.perEssayMs.mean, 1)} ms, ` +
      `p50 ${fixed(report.time.perEssayMs.p50, 1)} ms, p95 ${fixed(report.time.perEssayMs.p95, 1)} ms.`,
    report.tokens
      ? `Tokens: ${report.tokens.prompt} prompt + ${report.tokens.completion} completion; ${report.tokens.perEssay.toFixed(0)} per essay.`
      : 'Tokens: none (the scorer calls no model).',
  );
  if (report.failures.length) {
    out.push(`Not scored (${report.failures.length}): ${report.failures.slice(0, 5).map((f) => `${f.id}: ${f.reason}`).join('; ')}${report.failures.length > 5 ? '; ...' : ''}`);
  }
  return `${out.join('\n')}\n`;
}
