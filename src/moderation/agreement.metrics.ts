// Platform-wide rater agreement as Prometheus gauges (API process), over the submissions of the
// last 30 days. Heavier than the grouped counts of src/lib/db-metrics.ts, so it is worked out at
// most once a minute: a scrape answers from the last figures when they are fresh, and otherwise
// waits up to a second for a refresh that carries on in the background (one at a time) when it
// takes longer. A failed refresh keeps the last figures; a figure that is undefined (nothing to
// compare, or no spread) is NaN.
import { Gauge } from 'prom-client';
import { settledWithin } from '../lib/db-metrics.ts';
import { registry } from '../lib/metrics.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { humanAiAgreement, humanHumanAgreement } from './agreement.ts';
import { loadMarkedSubmissions } from './agreement.service.ts';

export const agreementWindowDays = 30;
const refreshEveryMs = 60_000;

interface Figures {
  humanHumanQwk: number | null;
  humanAiQwk: number | null;
  adjudicatedShare: number | null;
}

let source: PrismaClient | undefined;
let installed = false;
let latest: { at: number; from: PrismaClient; figures: Figures } | undefined;
let refreshing: { from: PrismaClient; done: Promise<Figures | undefined> } | undefined;

async function compute(prisma: PrismaClient): Promise<Figures> {
  const from = new Date(Date.now() - agreementWindowDays * 86_400_000);
  const { submissions } = await loadMarkedSubmissions(prisma, { from });
  const humanHuman = humanHumanAgreement(submissions);
  return { humanHumanQwk: humanHuman.qwk, humanAiQwk: humanAiAgreement(submissions).qwk, adjudicatedShare: humanHuman.adjudicatedShare };
}

/** The figures for a scrape: fresh ones, or what a refresh gives within a second, or the last ones. */
async function figures(): Promise<Figures | undefined> {
  const db = source;
  if (!db) return undefined;
  if (latest?.from === db && Date.now() - latest.at < refreshEveryMs) return latest.figures;
  if (refreshing?.from !== db) {
    const done: Promise<Figures | undefined> = compute(db)
      .then(
        (figures) => {
          latest = { at: Date.now(), from: db, figures };
          return figures;
        },
        () => undefined,
      )
      .finally(() => {
        if (refreshing?.done === done) refreshing = undefined;
      });
    refreshing = { from: db, done };
  }
  return (await settledWithin(refreshing.done)) ?? latest?.figures;
}

const value = (x: number | null) => x ?? Number.NaN;

/** Registers the gauges once per process; the latest client given is the one they read. */
export function installAgreementMetrics(prisma: PrismaClient): void {
  source = prisma;
  if (installed) return;
  installed = true;
  new Gauge({
    name: 'vstep_rater_agreement_qwk',
    help: `Quadratic weighted kappa over the submissions of the last ${agreementWindowDays} days: first vs second mark (human_human), AI draft vs final result (human_ai).`,
    labelNames: ['pair'] as const,
    registers: [registry],
    async collect() {
      const f = await figures();
      if (!f) return;
      this.set({ pair: 'human_human' }, value(f.humanHumanQwk));
      this.set({ pair: 'human_ai' }, value(f.humanAiQwk));
    },
  });
  new Gauge({
    name: 'vstep_rater_adjudicated_share',
    help: `Share of double-marked submissions of the last ${agreementWindowDays} days (both marks in) that went to adjudication.`,
    registers: [registry],
    async collect() {
      const f = await figures();
      if (f) this.set(value(f.adjudicatedShare));
    },
  });
}
