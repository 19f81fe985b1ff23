// Metrics read from the database at scrape time (API process): submissions by state, open
// reviews by priority and the age of the oldest. Cheap grouped counts on indexed columns.
import { Gauge } from 'prom-client';
import type { PrismaClient } from './prisma.ts';
import { registry } from './metrics.ts';

let installed = false;

export function installDatabaseMetrics(prisma: PrismaClient): void {
  if (installed) return;
  installed = true;
  new Gauge({
    name: 'vstep_submissions',
    help: 'Submissions by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await prisma.submission.groupBy({ by: ['status'], _count: { _all: true } }).catch(() => []);
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
      const rows = await prisma.reviewTask
        .groupBy({ by: ['priority'], where: { status: { in: ['open', 'claimed'] } }, _count: { _all: true } })
        .catch(() => []);
      this.reset();
      for (const p of ['low', 'medium', 'high'] as const) this.set({ priority: p }, rows.find((r) => r.priority === p)?._count._all ?? 0);
    },
  });
  new Gauge({
    name: 'vstep_oldest_open_review_age_seconds',
    help: 'Age of the oldest review still waiting, by priority.',
    labelNames: ['priority'] as const,
    registers: [registry],
    async collect() {
      const rows = await prisma.reviewTask
        .groupBy({ by: ['priority'], where: { status: { in: ['open', 'claimed'] } }, _min: { createdAt: true } })
        .catch(() => []);
      this.reset();
      const now = Date.now();
      for (const p of ['low', 'medium', 'high'] as const) {
        const oldest = rows.find((r) => r.priority === p)?._min.createdAt;
        this.set({ priority: p }, oldest ? Math.round((now - oldest.getTime()) / 1000) : 0);
      }
    },
  });
}
