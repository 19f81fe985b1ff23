// The worker's HTTP side: /health (alive), /ready (PostgreSQL, Temporal, and every worker
// polling), /version and /metrics, from the same health operations the API serves.
import type { Server } from 'node:http';
import type { NativeConnection, Worker } from '@temporalio/worker';
import express from 'express';
import type { Config } from '../src/config/env.ts';
import { healthRoutes } from '../src/health/health.routes.ts';
import { mountOperations } from '../src/lib/http/operation.ts';
import type { PrismaClient } from '../src/lib/prisma.ts';

type TemporalConnection = { workflowService: { getSystemInfo: (req: object) => Promise<unknown> }; withDeadline: <T>(deadline: number, fn: () => Promise<T>) => Promise<T> };

export function workerHealthApp(config: Config, prisma: PrismaClient, temporal: TemporalConnection | NativeConnection, workers: Worker[]) {
  const app = express();
  app.disable('x-powered-by');
  const router = express.Router();
  const checks = {
    critical: {
      postgres: async () => {
        await prisma.$queryRaw`SELECT 1`;
      },
      temporal: async () => {
        const c = temporal as TemporalConnection;
        await c.withDeadline(Date.now() + 1900, () => c.workflowService.getSystemInfo({}));
      },
      polling: async () => {
        const idle = workers.filter((w) => w.getState() !== 'RUNNING').map((w) => `${w.options.taskQueue}: ${w.getState()}`);
        if (idle.length) throw new Error(`not polling: ${idle.join(', ')}`);
      },
    },
  };
  // Nothing here needs a token: the worker's port is for orchestrators and Prometheus.
  mountOperations(router, healthRoutes, { config, checks, timeoutMs: 2000, startedAt: Date.now() }, { guard: () => [], validateResponses: config.http.validateResponses });
  app.use(router);
  return app;
}

export function listen(app: express.Express, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.worker.httpPort, config.http.host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
