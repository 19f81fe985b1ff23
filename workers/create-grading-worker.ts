// Builds the workers of the grading service. Used by the worker entry point, `npm start` and
// the tests, so all three run the same workflows and activities:
// - `grading`: GradeSubmission workflows and the database activities;
// - `grading-scoring`: the activities that call scoring providers, with worker- and
//   queue-level rate limits so the provider's requests-per-minute budget holds for the fleet.
import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { createScoringActivities } from '../activities/scoring.activities.ts';

export const workflowsPath = createRequire(import.meta.url).resolve('../workflows/index.ts');

export interface ScoringLimits {
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
  scoring: ScoringLimits;
  deps: ActivityDeps;
  /** Pre-built workflow bundle (tests build it once); otherwise the worker bundles on start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export interface GradingWorkers {
  workers: Worker[];
  connection: NativeConnection;
  /** Runs every worker until all have shut down. */
  run: () => Promise<void>;
  shutdown: () => void;
}

const perSecond = (perMinute: number) => (perMinute > 0 ? { rate: perMinute / 60 } : undefined);

export async function createGradingWorker(options: GradingWorkerOptions): Promise<GradingWorkers> {
  const connection = await NativeConnection.connect({ address: options.address });
  const orchestration = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: 50,
    shutdownGraceTime: '10 seconds',
  });
  const fleet = perSecond(options.scoring.requestsPerMinute);
  const local = perSecond(options.scoring.workerRequestsPerMinute);
  const scoring = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.scoring.taskQueue,
    activities: createScoringActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.scoring.concurrency,
    ...(fleet ? { maxTaskQueueActivitiesPerSecond: fleet.rate } : {}),
    ...(local ? { maxActivitiesPerSecond: local.rate } : {}),
    shutdownGraceTime: '10 seconds',
  });
  const workers = [orchestration, scoring];
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

export function scoringLimitsFrom(config: {
  temporal: { scoringTaskQueue: string };
  scoring: { requestsPerMinute: number; workerRequestsPerMinute: number; workerConcurrency: number };
}): ScoringLimits {
  return {
    taskQueue: config.temporal.scoringTaskQueue,
    requestsPerMinute: config.scoring.requestsPerMinute,
    workerRequestsPerMinute: config.scoring.workerRequestsPerMinute,
    concurrency: config.scoring.workerConcurrency,
  };
}
