// createApp(deps) builds the Express application; it never listens (src/http/server.ts does).
import type { Client } from '@temporalio/client';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config/env.ts';
import { healthRoutes } from '../health/health.routes.ts';
import type { Logger } from '../lib/logger.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { submissionRoutes } from '../submissions/submission.routes.ts';
import { createSubmissionService } from '../submissions/submission.service.ts';
import { errorHandler, notFound } from './middleware/error-handler.ts';
import { requestId } from './middleware/request-id.ts';

export interface AppDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
}

export function createApp(deps: AppDeps): express.Express {
  const { config, prisma, temporal, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.use(requestId);
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => (res as express.Response).locals.requestId as string,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use(express.json({ limit: config.http.jsonBodyLimit, strict: true }));

  app.use(
    healthRoutes(config, {
      postgres: async () => {
        await prisma.$queryRaw`SELECT 1`;
      },
      temporal: async () => {
        await temporal.connection.workflowService.getSystemInfo({});
      },
    }),
  );
  app.use(submissionRoutes(createSubmissionService({ config, prisma, temporal, logger })));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
