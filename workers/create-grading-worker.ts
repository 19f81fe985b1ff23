// Builds the workers of the grading service. Used by the worker entry point, `npm start` and
// the tests, so all three run the same workflows and activities:
// - `grading`: GradeSubmission workflows and the database activities;
// - `grading-scoring`: the activities that call scoring providers;
// - `grading-transcription`: speech recognition.
// The provider queues carry worker- and queue-level rate limits, so a provider's
// requests-per-minute budget holds for the whole fleet.
import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { createScoringActivities } from '../activities/scoring.activities.ts';
import { createTranscriptionActivities } from '../activities/transcription.activities.ts';
import { correlationInterceptor } from './activity-interceptors.ts';
import type { Config } from '../src/config/env.ts';
import type { Tracing } from '../src/lib/tracing.ts';

const resolve = createRequire(import.meta.url).resolve;
export const workflowsPath = resolve('../workflows/index.ts');
/** Bundled with the workflows (a prebuilt bundle must be built with them too). */
export const workflowInterceptorModules = [resolve('../workflows/interceptors.ts')];


export interface ProviderQueueLimits {
  taskQueue: string;
  /** Fleet-wide provider requests per minute (0 = unlimited). */
  requestsPerMinute: number;
  /** This worker's requests per minute (0 = unlimited). */
  workerRequestsPerMinute: number;
  concurrency: number;
}

export interface GradingWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  scoring: ProviderQueueLimits;
  transcription: ProviderQueueLimits;
  deps: ActivityDeps;
  /** Pre-built workflow bundle (tests build it once); otherwise the worker bundles on start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** OpenTelemetry (src/lib/tracing.ts); its workflow interceptors need the worker to bundle. */
  tracing?: Tracing;
}

export interface GradingWorkers {
  workers: Worker[];
  connection: NativeConnection;
  /** Runs every worker until all have shut down. */
  run: () => Promise<void>;
  shutdown: () => void;
}

const perSecond = (perMinute: number) => (perMinute > 0 ? perMinute / 60 : undefined);

function providerWorker(
  connection: NativeConnection,
  namespace: string,
  limits: ProviderQueueLimits,
  activities: WorkerOptions['activities'],
  tracing: Tracing | undefined,
): Promise<Worker> {
  const fleet = perSecond(limits.requestsPerMinute);
  const local = perSecond(limits.workerRequestsPerMinute);
  return Worker.create({
    connection,
    namespace,
    taskQueue: limits.taskQueue,
    activities,
    interceptors: { activity: [correlationInterceptor, ...(tracing?.activityInterceptors ?? [])] },
    ...(tracing ? { sinks: tracing.sinks } : {}),
    maxConcurrentActivityTaskExecutions: limits.concurrency,
    ...(fleet ? { maxTaskQueueActivitiesPerSecond: fleet } : {}),
    ...(local ? { maxActivitiesPerSecond: local } : {}),
    shutdownGraceTime: '10 seconds',
  });
}

export async function createGradingWorker(options: GradingWorkerOptions): Promise<GradingWorkers> {
  const connection = await NativeConnection.connect({ address: options.address });
  const { tracing } = options;
  if (tracing && options.workflowBundle) throw new Error('tracing needs the worker to bundle its workflows (no prebuilt bundle)');
  const interceptors = {
    // A prebuilt bundle already contains its workflow interceptors (built with workflowInterceptorModules).
    ...(options.workflowBundle ? {} : { workflowModules: [...workflowInterceptorModules, ...(tracing?.workflowModules ?? [])] }),
    activity: [correlationInterceptor, ...(tracing?.activityInterceptors ?? [])],
  };
  const orchestration = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.deps),
    interceptors,
    ...(tracing ? { sinks: tracing.sinks } : {}),
    maxConcurrentActivityTaskExecutions: 50,
    shutdownGraceTime: '10 seconds',
  });
  const scoring = await providerWorker(connection, options.namespace, options.scoring, createScoringActivities(options.deps), tracing);
  const transcription = await providerWorker(
    connection,
    options.namespace,
    options.transcription,
    createTranscriptionActivities(options.deps),
    tracing,
  );
  const workers = [orchestration, scoring, transcription];
  return {
    workers,
    connection,
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}

/** The provider queues' limits from config. */
export function providerQueuesFrom(config: Pick<Config, 'temporal' | 'scoring' | 'transcription'>): {
  scoring: ProviderQueueLimits;
  transcription: ProviderQueueLimits;
} {
  const limits = (taskQueue: string, c: { requestsPerMinute: number; workerRequestsPerMinute: number; workerConcurrency: number }) => ({
    taskQueue,
    requestsPerMinute: c.requestsPerMinute,
    workerRequestsPerMinute: c.workerRequestsPerMinute,
    concurrency: c.workerConcurrency,
  });
  return {
    scoring: limits(config.temporal.scoringTaskQueue, config.scoring),
    transcription: limits(config.temporal.transcriptionTaskQueue, config.transcription),
  };
}
