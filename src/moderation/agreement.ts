// Rater agreement, worked out from plain rows (the service loads them; docs/moderation.md).
// All scores are on the VSTEP grid (0-10 in steps of 0.5); every QWK is
// `quadraticWeightedKappa` over `vstepGrid` (src/evaluation/metrics.ts), as the evaluation
// harness measures a scorer. Reported means, shares and kappas are rounded to 3 decimals, and
// are null when there is nothing to average (n = 0) or the kappa is undefined.
//
// Per grader (marks with no grader, whose account was deleted, are left out):
// - `marks`: every mark they made; `adjudications` and `appeals` count those kinds among them.
// - `compared`: their first and second marks on submissions that have a final result;
//   `meanDifference` (severity) = mean(mark overall − current final overall) over them, negative
//   for a severe marker, positive for a lenient one; `meanAbsoluteDifference` = mean |…|. A sole
//   first mark that became the result counts, with a difference of 0.
// - `doubleMarked`: their first and second marks on submissions that have both a first and a
//   second mark; `adjudicatedShare` = the share of those that went to adjudication (an
//   adjudication opened and not cancelled, or made).
// humanHuman, over submissions with both a first and a second mark: `n`, `qwk` (first vs second
// overall), `exactAgreement` (same overall), `withinHalfPoint` (at most 0.5 apart),
// `adjudicatedShare`.
// humanAi, over submissions with an AI draft (version 0) and a current final result decided by
// people (source human, double_marked, adjudicated, appeal or override): `n`, `qwk` (AI overall
// vs final overall), `meanBias` = mean(AI overall − final overall), and per criterion the
// submissions whose draft and final both score it, with their mean(AI − final) score.
import { speakingCriteria, writingCriteria } from '../domain/scores.ts';
import { quadraticWeightedKappa, vstepGrid } from '../evaluation/metrics.ts';

export type MarkKind = 'first' | 'second' | 'adjudication' | 'appeal';
export type ResultSource = 'ai' | 'human' | 'double_marked' | 'adjudicated' | 'override' | 'appeal';

/** Final results decided by people, against which the AI draft is measured. */
export const humanSources: readonly ResultSource[] = ['human', 'double_marked', 'adjudicated', 'appeal', 'override'];

export interface Scores {
  overall: number;
  criteria: Readonly<Record<string, number>>;
}

/** One submission with what agreement needs of it. */
export interface MarkedSubmission {
  id: string;
  marks: ReadonlyArray<{ graderId: string | null; kind: MarkKind; overall: number }>;
  /** An adjudication review was opened for it (and not cancelled). */
  adjudicated: boolean;
  /** The current final result (criteria needed only with an AI draft). */
  final: (Scores & { source: ResultSource }) | null;
  /** The AI draft that went to review (version 0). */
  aiDraft: Scores | null;
}

export interface GraderAgreement {
  graderId: string;
  marks: number;
  adjudications: number;
  appeals: number;
  compared: number;
  meanDifference: number | null;
  meanAbsoluteDifference: number | null;
  doubleMarked: number;
  adjudicatedShare: number | null;
}

export interface HumanHumanAgreement {
  n: number;
  qwk: number | null;
  exactAgreement: number | null;
  withinHalfPoint: number | null;
  adjudicatedShare: number | null;
}

export interface HumanAiAgreement {
  n: number;
  qwk: number | null;
  meanBias: number | null;
  criteria: Record<string, { n: number; meanBias: number | null }>;
}

export interface AgreementReport {
  graders: GraderAgreement[];
  humanHuman: HumanHumanAgreement;
  humanAi: HumanAiAgreement;
}

export const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000 || 0);
const meanOf = (xs: readonly number[]) => (xs.length ? round3(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
const shareOf = (hits: number, n: number) => (n ? round3(hits / n) : null);

const markOf = (s: MarkedSubmission, kind: MarkKind) => s.marks.find((m) => m.kind === kind);
const wentToAdjudication = (s: MarkedSubmission) => s.adjudicated || s.marks.some((m) => m.kind === 'adjudication');
const pairOf = (s: MarkedSubmission) => {
  const first = markOf(s, 'first');
  const second = markOf(s, 'second');
  return first && second ? { first: first.overall, second: second.overall } : null;
};

interface Tally {
  marks: number;
  adjudications: number;
  appeals: number;
  differences: number[];
  doubleMarked: number;
  adjudicated: number;
}

export function graderAgreement(submissions: readonly MarkedSubmission[]): GraderAgreement[] {
  const tallies = new Map<string, Tally>();
  for (const s of submissions) {
    const paired = pairOf(s) !== null;
    const adjudicated = wentToAdjudication(s);
    for (const m of s.marks) {
      if (!m.graderId) continue;
      let t = tallies.get(m.graderId);
      if (!t) tallies.set(m.graderId, (t = { marks: 0, adjudications: 0, appeals: 0, differences: [], doubleMarked: 0, adjudicated: 0 }));
      t.marks++;
      if (m.kind === 'adjudication') t.adjudications++;
      if (m.kind === 'appeal') t.appeals++;
      if (m.kind !== 'first' && m.kind !== 'second') continue;
      if (s.final) t.differences.push(m.overall - s.final.overall);
      if (paired) {
        t.doubleMarked++;
        if (adjudicated) t.adjudicated++;
      }
    }
  }
  return [...tallies]
    .map(([graderId, t]) => ({
      graderId,
      marks: t.marks,
      adjudications: t.adjudications,
      appeals: t.appeals,
      compared: t.differences.length,
      meanDifference: meanOf(t.differences),
      meanAbsoluteDifference: meanOf(t.differences.map(Math.abs)),
      doubleMarked: t.doubleMarked,
      adjudicatedShare: shareOf(t.adjudicated, t.doubleMarked),
    }))
    .sort((a, b) => b.marks - a.marks || a.graderId.localeCompare(b.graderId));
}

export function humanHumanAgreement(submissions: readonly MarkedSubmission[]): HumanHumanAgreement {
  const paired = submissions.flatMap((s) => {
    const pair = pairOf(s);
    return pair ? [{ ...pair, adjudicated: wentToAdjudication(s) }] : [];
  });
  const n = paired.length;
  return {
    n,
    qwk: round3(quadraticWeightedKappa(paired.map((p) => p.first), paired.map((p) => p.second), vstepGrid)),
    exactAgreement: shareOf(paired.filter((p) => p.first === p.second).length, n),
    withinHalfPoint: shareOf(paired.filter((p) => Math.abs(p.first - p.second) <= 0.5).length, n),
    adjudicatedShare: shareOf(paired.filter((p) => p.adjudicated).length, n),
  };
}

const criterionOrder: readonly string[] = [...new Set<string>([...writingCriteria, ...speakingCriteria])];
const byCriterionOrder = (a: string, b: string) => {
  const [i, j] = [criterionOrder.indexOf(a), criterionOrder.indexOf(b)];
  return i === -1 && j === -1 ? a.localeCompare(b) : i === -1 ? 1 : j === -1 ? -1 : i - j;
};

export function humanAiAgreement(submissions: readonly MarkedSubmission[]): HumanAiAgreement {
  const compared = submissions.flatMap((s) => (s.aiDraft && s.final && humanSources.includes(s.final.source) ? [{ ai: s.aiDraft, human: s.final }] : []));
  const biases = new Map<string, number[]>();
  for (const { ai, human } of compared) {
    for (const [criterion, score] of Object.entries(ai.criteria)) {
      const decided = human.criteria[criterion];
      if (decided === undefined) continue;
      const list = biases.get(criterion) ?? [];
      list.push(score - decided);
      biases.set(criterion, list);
    }
  }
  const human = compared.map((c) => c.human.overall);
  const ai = compared.map((c) => c.ai.overall);
  return {
    n: compared.length,
    qwk: round3(quadraticWeightedKappa(human, ai, vstepGrid)),
    meanBias: meanOf(ai.map((score, i) => score - human[i]!)),
    criteria: Object.fromEntries(
      [...biases.keys()].sort(byCriterionOrder).map((criterion) => [criterion, { n: biases.get(criterion)!.length, meanBias: meanOf(biases.get(criterion)!) }]),
    ),
  };
}

export function agreementReport(submissions: readonly MarkedSubmission[]): AgreementReport {
  return { graders: graderAgreement(submissions), humanHuman: humanHumanAgreement(submissions), humanAi: humanAiAgreement(submissions) };
}
