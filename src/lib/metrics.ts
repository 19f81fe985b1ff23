// Prometheus metrics of this process. One registry per process; the API serves it at /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

export const httpRequestDuration = new Histogram({
  name: 'vstep_http_request_duration_seconds',
  help: 'HTTP requests by method, route (the pattern, not the URL) and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const gradingDuration = new Histogram({
  name: 'vstep_grading_duration_seconds',
  help: 'From submission to final result, by skill, provider and source (ai or human).',
  labelNames: ['skill', 'provider', 'source'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600, 7200, 14_400, 86_400],
  registers: [registry],
});

export const reviewWait = new Histogram({
  name: 'vstep_review_wait_seconds',
  help: 'Time a submission waited in human review, from the review opening to its completion.',
  labelNames: ['priority'] as const,
  buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 259_200],
  registers: [registry],
});

export const providerCalls = new Counter({
  name: 'vstep_provider_calls_total',
  help: 'Calls to outside providers (scoring, transcription) by outcome: ok, unavailable, rejected, malformed, unusable, circuit_open, error.',
  labelNames: ['provider', 'outcome'] as const,
  registers: [registry],
});

export const providerRetries = new Counter({
  name: 'vstep_provider_retries_total',
  help: 'Provider calls that were a retry (activity attempt 2 or later).',
  labelNames: ['provider'] as const,
  registers: [registry],
});

/** Until when (epoch ms) each provider's circuit is known to be open, as this process last saw it. */
export const circuitOpenUntil = new Map<string, number>();

export const circuitState = new Gauge({
  name: 'vstep_circuit_breaker_open',
  help: '1 while a provider circuit is open (calls fail fast), 0 when closed.',
  labelNames: ['provider'] as const,
  registers: [registry],
  collect() {
    // Worked out at scrape time, so a circuit that closed while no call came is not shown open.
    const now = Date.now();
    for (const [provider, until] of circuitOpenUntil) this.set({ provider }, until > now ? 1 : 0);
  },
});
