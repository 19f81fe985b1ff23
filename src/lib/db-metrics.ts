// Metrics read from the database at scrape time (API process): submissions by state, open
// reviews by priority and the age of the oldest. Cheap grouped counts on indexed columns, each
// given at most a second: during a database incident a scrape still answers promptly, with the
// last values read, instead of hanging and taking the other metrics down with it.
import { Gauge } from 'prom-client';
import type { PrismaClient } from './prisma.ts';
import { registry } from './metrics.ts';

const queryTimeoutMs = 1000;
let source: PrismaClient | undefined;
let installed = false;

/** What `work` settles to, or undefined when it fails or takes longer than `timeoutMs` (it is not cancelled). */
export async function settledWithin<T>(work: Promise<T>, timeoutMs = queryTimeoutMs): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The query's result, or undefined when it fails or takes longer than the timeout. */
async function within<T>(query: (prisma: PrismaClient) => Promise<T>): Promise<T | undefined> {
  const db = source;
  if (!db) return undefined;
  return settledWithin(Promise.resolve().then(() => query(db)));
}

const priorities = ['low', 'medium', 'high'] as const;
const waiting = { status: { in: ['open' as const, 'claimed' as const] } };

/** Registers the gauges once per process; the latest client given is the one they read. */
export function installDatabaseMetrics(prisma: PrismaClient): void {
  source = prisma;
  if (installed) return;
  installed = true;
  new Gauge({
    name: 'vstep_submissions',
    help: 'Submissions by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await within((db) => db.submission.groupBy({ by: ['status'], _count: { _all: true } }));
      if (!rows) return; // keep the last values
      this.reset();
      for (const row of rows) this.set({ status: row.status }, row._count._all);
    },
  });
  new Gauge({
    name: 'vstep_open_reviews',
    help: 'Reviews waiting for a grader (open or claimed), by priority.',
    labelNames: ['priority'] as const,
    registers: [registry],
    async collect() {
      const rows = await within((db) => db.reviewTask.groupBy({ by: ['priority'], where: waiting, _count: { _all: true } }));
      if (!rows) return;
      for (const p of priorities) this.set({ priority: p }, rows.find((r) => r.priority === p)?._count._all ?? 0);
    },
  });
  new Gauge({
    name: 'vstep_oldest_open_review_age_seconds',
    help: 'Age of the oldest review still waiting, by priority.',
    labelNames: ['priority'] as const,
    registers: [registry],
    async collect() {
      const rows = await within((db) => db.reviewTask.groupBy({ by: ['priority'], where: waiting, _min: { createdAt: true } }));
      if (!rows) return;
      const now = Date.now();
      for (const p of priorities) {
        const oldest = rows.find((r) => r.priority === p)?._min.createdAt;
        this.set({ priority: p }, oldest ? Math.round((now - oldest.getTime()) / 1000) : 0);
      }
    },
  });
}
