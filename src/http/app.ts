// createApp(deps) builds the Express application; it never listens (src/http/server.ts does).
import type { Client } from '@temporalio/client';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { createAccessTokens } from '../auth/access-tokens.ts';
import { authRoutes } from '../auth/auth.routes.ts';
import { createAuthService } from '../auth/auth.service.ts';
import { createRefreshTokens } from '../auth/refresh-tokens.ts';
import type { TokenKeys } from '../auth/token-keys.ts';
import type { Config } from '../config/env.ts';
import { healthRoutes } from '../health/health.routes.ts';
import type { Logger } from '../lib/logger.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import type { Redis } from '../lib/redis.ts';
import { reviewRoutes } from '../reviews/review.routes.ts';
import { createReviewService } from '../reviews/review.service.ts';
import { attemptRoutes } from '../attempts/attempt.routes.ts';
import { createAttemptService } from '../attempts/attempt.service.ts';
import { createPollingHub, type EventHub } from '../live/event-hub.ts';
import { createLiveHandlers } from '../live/submission-stream.ts';
import { createAudioStore, type AudioStore } from '../storage/audio-store.ts';
import { submissionRoutes } from '../submissions/submission.routes.ts';
import { createSubmissionService } from '../submissions/submission.service.ts';
import { installDatabaseMetrics } from '../lib/db-metrics.ts';
import { consoleRoutes } from '../console/console.routes.ts';
import { sessionRoutes } from '../auth/session.routes.ts';
import { docsRoutes } from './docs.routes.ts';
import { httpMetrics } from './middleware/http-metrics.ts';
import { errorHandler, methodNotAllowed, notFound } from './middleware/error-handler.ts';
import { operations } from './openapi.ts';
import { createRateLimiter } from '../lib/http/rate-limit.ts';
import { utf8Only, wellFormedJson } from '../lib/http/json-body.ts';
import { requestId } from './middleware/request-id.ts';
import { corsAllowlist, securityHeaders } from './middleware/security.ts';

export interface AppDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
  tokenKeys: TokenKeys;
  /** Optional locally: without it rate limits are off (with a warning). */
  redis?: Redis;
  /** Where speaking answers are kept; by default the directory in config. */
  audioStore?: AudioStore;
  /** Wakes live streams when events are stored (startEventHub); without it streams re-check at each heartbeat. */
  events?: EventHub;
  /** The built web console (index.html, assets/); by default web/dist of this checkout. */
  consoleDir?: string;
}

/** Longest a readiness check may take per dependency. */
const readinessTimeoutMs = 2000;

export function createApp(deps: AppDeps): express.Express {
  const { config, prisma, temporal, logger, redis } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('query parser', 'simple');

  app.use(requestId);
  app.use(httpMetrics);
  installDatabaseMetrics(prisma);
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => (res as express.Response).locals.requestId as string,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use(securityHeaders());
  app.use(corsAllowlist(config.cors.origins));
  app.use(express.json({ limit: config.http.jsonBodyLimit, strict: true, verify: utf8Only }), wellFormedJson);

  app.use(
    healthRoutes(config, {
      critical: {
        postgres: async () => {
          await prisma.$queryRaw`SELECT 1`;
        },
        // A gRPC deadline ends the call and the client's own retries with the check; without
        // it every probe during an outage would leave a call retrying in the background.
        temporal: () =>
          temporal.connection.withDeadline(Date.now() + readinessTimeoutMs - 100, async () => {
            await temporal.connection.workflowService.getSystemInfo({});
          }),
      },
      optional: {
        redis: redis
          ? async () => {
              await redis.ping();
            }
          : null,
      },
    }, readinessTimeoutMs),
  );

  app.use(docsRoutes(config));
  app.use(consoleRoutes(config, deps.consoleDir));

  const limiter = createRateLimiter(redis, logger);
  if (!redis) logger.warn('REDIS_URL is not set: rate limiting is off');
  const accessTokens = createAccessTokens(config, deps.tokenKeys);
  const auth = createAuthService({
    prisma,
    accessTokens,
    refreshTokens: createRefreshTokens(prisma, config.auth.refreshTtlSeconds),
  });
  app.use(authRoutes(config, auth, accessTokens, limiter));
  app.use(sessionRoutes(config, auth, limiter));
  const audioStore = deps.audioStore ?? createAudioStore(config);
  const submissions = createSubmissionService({ config, prisma, temporal, logger, audioStore });
  const live = createLiveHandlers({ config, prisma, logger, hub: deps.events ?? createPollingHub(), getVisible: submissions.getVisible });
  app.use(submissionRoutes(config, submissions, accessTokens, limiter, audioStore, live));
  app.use(attemptRoutes(createAttemptService(prisma), prisma, accessTokens));
  app.use(reviewRoutes(createReviewService({ config, prisma, temporal, logger }), prisma, accessTokens));

  app.use(methodNotAllowed(operations));
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
