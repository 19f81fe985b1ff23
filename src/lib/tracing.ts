// Optional OpenTelemetry tracing (on when OTEL_EXPORTER_OTLP_ENDPOINT is set), through
// Temporal's interceptors: starting a workflow, the workflow itself and every activity become
// spans of one trace, exported over OTLP/HTTP to any collector (Jaeger, Tempo, Honeycomb, ...).
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { createRequire } from 'node:module';
import type { Config } from '../config/env.ts';

export interface Tracing {
  /** For the API's Temporal client: a span per workflow start, its context sent along. */
  clientInterceptors: { workflow: OpenTelemetryWorkflowClientInterceptor[] };
  /** For workers: activity spans, workflow spans (interceptor module + exporter sink). */
  activityInterceptors: ActivityInterceptorsFactory[];
  workflowModules: string[];
  sinks: InjectedSinks<Record<string, never>>;
  /** Flushes spans still buffered. */
  shutdown: () => Promise<void>;
}

export function startTracing(config: Config, service: 'api' | 'worker'): Tracing | undefined {
  const endpoint = config.tracing.endpoint;
  if (!endpoint) return undefined;
  const resource = new Resource({ 'service.name': `${config.tracing.serviceName}-${service}`, 'service.version': config.build.version });
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  // The context manager carries the active span across awaits, so child spans find their parent.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  return {
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    workflowModules: [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
    sinks: { exporter: makeWorkflowExporter(processor, resource) } as unknown as InjectedSinks<Record<string, never>>,
    shutdown: () => provider.shutdown(),
  };
}
