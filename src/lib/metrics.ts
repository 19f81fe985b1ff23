// Prometheus metrics of this process. One registry per process; the API serves it at /metrics.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'vstep_' });

export const reviewEscalations = new Counter({
  name: 'vstep_review_escalations_total',
  help: 'Reviews raised to high priority, by reason (review_overdue, sla_breached).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const slaBreaches = new Counter({
  name: 'vstep_sla_breaches_total',
  help: 'Submissions whose grading SLA passed before they were graded.',
  registers: [registry],
});

export const circuitOpenings = new Counter({
  name: 'vstep_circuit_breaker_openings_total',
  help: 'Times a scoring provider circuit opened.',
  labelNames: ['provider'] as const,
  registers: [registry],
});

export const liveConnections = new Gauge({
  name: 'vstep_live_connections',
  help: 'Open live connections of this API process: SSE event streams and long-polls.',
  labelNames: ['kind'] as const,
  registers: [registry],
});
