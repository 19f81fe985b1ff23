// Builds the worker for the `grading` task queue. Used by the worker entry point, `npm start`
// and the tests, so all three run the same workflows and activities.
import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';

export const workflowsPath = createRequire(import.meta.url).resolve('../workflows/index.ts');

export interface GradingWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-built workflow bundle (tests build it once); otherwise the worker bundles on start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createGradingWorker(options: GradingWorkerOptions): Promise<{
  worker: Worker;
  connection: NativeConnection;
}> {
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 50,
    shutdownGraceTime: '10 seconds',
  });
  return { worker, connection };
}
