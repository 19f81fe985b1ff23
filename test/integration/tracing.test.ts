// Optional OpenTelemetry tracing: with OTEL_EXPORTER_OTLP_ENDPOINT set, starting a grading, the
// workflow and its activities arrive at an OTLP/HTTP collector as spans of one trace.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranscriber } from '../../src/speech/index.ts';
import { BaselineScorer } from '../../src/scoring/baseline-scorer.ts';
import { startTracing } from '../../src/lib/tracing.ts';
import { connectTemporalClient } from '../../src/lib/temporal.ts';
import { createSubmissionService } from '../../src/submissions/submission.service.ts';
import { createGradingWorker, providerQueuesFrom } from '../../workers/create-grading-worker.ts';
import { holidayLetter, holidayPrompt } from '../../src/testing/essays.ts';
import { startTestPlatform, testConfig, testLogger, type TestPlatform } from '../helpers/platform.ts';
import { createUser } from '../helpers/users.ts';

interface Span {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}
let collector: Server;
let endpoint: string;
const spans: Span[] = [];
let platform: TestPlatform;

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Span[] }> }> };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
  platform = await startTestPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.stop();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
});

describe('tracing', () => {
  it('when an OTLP endpoint is configured, then the start, the workflow and its activities are spans of one trace', async () => {
    const config = testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, TEMPORAL_TASK_QUEUE: platform.config.temporal.taskQueue, AUDIO_STORAGE_DIR: platform.config.audio.storageDir });
    const workerTracing = startTracing(config, 'worker')!;
    const apiTracing = startTracing(config, 'api')!;
    const worker = await createGradingWorker({
      address: config.temporal.address!,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...providerQueuesFrom(config),
      deps: { prisma: platform.prisma, scorer: new BaselineScorer(), transcriber: createTranscriber(config).transcriber, audioStore: platform.audioStore },
      tracing: workerTracing,
    });
    const running = worker.run();
    const { client, connection } = await connectTemporalClient(config.temporal.address!, config.temporal.namespace, apiTracing.clientInterceptors);
    try {
      const service = createSubmissionService({ config, prisma: platform.prisma, temporal: client, logger: testLogger, audioStore: platform.audioStore });
      const student = await createUser(platform, 'student');
      const { submission } = await service.createWriting(student.id, { skill: 'writing', task: 'task1', prompt: holidayPrompt, text: holidayLetter }, 'req-trace');
      await client.workflow.getHandle(submission.workflowId).result();
    } finally {
      worker.shutdown();
      await running;
      await worker.connection.close();
      await connection.close();
      await Promise.all([workerTracing.shutdown(), apiTracing.shutdown()]);
    }
    const names = spans.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['StartWorkflow:gradeSubmission', 'RunWorkflow:gradeSubmission', 'RunActivity:scoreSubmission', 'RunActivity:completeWithResult']));
    const start = spans.find((s) => s.name === 'StartWorkflow:gradeSubmission')!;
    const activity = spans.find((s) => s.name === 'RunActivity:scoreSubmission')!;
    expect(activity.traceId).toBe(start.traceId);
    // The workflow run is a child of the start; each activity run a child of its scheduling.
    expect(spans.find((s) => s.name === 'RunWorkflow:gradeSubmission')!.parentSpanId).toBe(start.spanId);
    expect(activity.parentSpanId).toBe(spans.find((s) => s.name === 'StartActivity:scoreSubmission')!.spanId);
  }, 90_000);
});
