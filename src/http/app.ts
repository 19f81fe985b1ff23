// createApp(deps) builds the Express application; it never listens (src/http/server.ts does).
import type { Client } from '@temporalio/client';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { createAttemptService } from '../attempts/attempt.service.ts';
import { createAuditService } from '../audit/audit.service.ts';
import { createAccessTokens } from '../auth/access-tokens.ts';
import { authLimits } from '../auth/auth.limits.ts';
import { authenticate, requireRole } from '../auth/auth.middleware.ts';
import { createAuthService } from '../auth/auth.service.ts';
import { createRefreshTokens } from '../auth/refresh-tokens.ts';
import type { TokenKeys } from '../auth/token-keys.ts';
import type { Config } from '../config/env.ts';
import { consolePages } from '../console/console.routes.ts';
import type { ReadinessChecks } from '../health/health.routes.ts';
import { installDatabaseMetrics } from '../lib/db-metrics.ts';
import { utf8Only, wellFormedJson } from '../lib/http/json-body.ts';
import { mountOperations, type MountOptions, type Operation } from '../lib/http/operation.ts';
import { createRateLimiter } from '../lib/http/rate-limit.ts';
import type { Logger } from '../lib/logger.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import type { Redis } from '../lib/redis.ts';
import { createPollingHub, type EventHub } from '../live/event-hub.ts';
import { createLiveHandlers } from '../live/submission-stream.ts';
import { installAgreementMetrics } from '../moderation/agreement.metrics.ts';
import { createModerationService } from '../moderation/moderation.service.ts';
import { createReviewService } from '../reviews/review.service.ts';
import { createAudioStore, type AudioStore } from '../storage/audio-store.ts';
import { createSubmissionService } from '../submissions/submission.service.ts';
import { docsAssets } from './docs.routes.ts';
import { errorHandler, methodNotAllowed, notFound } from './middleware/error-handler.ts';
import { httpMetrics } from './middleware/http-metrics.ts';
import { requestId } from './middleware/request-id.ts';
import { corsAllowlist, securityHeaders } from './middleware/security.ts';
import { createSittingService } from '../sittings/sitting.service.ts';
import { createTaskService } from '../tasks/task.service.ts';
import { createUserService } from '../users/user.service.ts';
import { apiDocument, operationGroups, operations } from './operations.ts';

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
  installAgreementMetrics(prisma);
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

  app.use(consolePages(deps.consoleDir));
  app.use(docsAssets());

  const limiter = createRateLimiter(redis, logger);
  if (!redis) logger.warn('REDIS_URL is not set: rate limiting is off');
  const accessTokens = createAccessTokens(config, deps.tokenKeys);
  const refreshTokens = createRefreshTokens(prisma, config.auth.refreshTtlSeconds);
  const auth = createAuthService({ prisma, accessTokens, refreshTokens });
  const limits = authLimits(config, limiter);
  const audioStore = deps.audioStore ?? createAudioStore(config);
  const submissions = createSubmissionService({ config, prisma, temporal, logger, audioStore });
  const live = createLiveHandlers({ config, prisma, logger, hub: deps.events ?? createPollingHub(), getVisible: submissions.getVisible });
  const readiness: ReadinessChecks = {
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
  };

  const api = express.Router();
  const options: MountOptions = {
    guard: (roles) => [authenticate(accessTokens), requireRole(...roles)],
    validateResponses: config.http.validateResponses,
  };
  const mount = <D>(group: readonly Operation<D>[], groupDeps: D) => mountOperations(api, group, groupDeps, options);
  const groups = operationGroups;
  mount(groups.health, { config, checks: readiness, timeoutMs: readinessTimeoutMs, startedAt: Date.now() });
  mount(groups.docs, { document: apiDocument({ version: config.build.version, serverUrl: config.http.publicBaseUrl }) });
  mount(groups.console, { config });
  mount(groups.auth, { auth, limits });
  mount(groups.session, { config, auth, limits });
  mount(groups.users, { service: createUserService({ prisma, refreshTokens }) });
  mount(groups.tasks, { service: createTaskService(prisma) });
  mount(groups.sittings, { service: createSittingService(prisma) });
  mount(groups.submissions, { config, service: submissions, audioStore, limiter });
  mount(groups.live, { config, live });
  mount(groups.attempts, { service: createAttemptService(prisma) });
  mount(groups.progress, { prisma });
  mount(groups.reviews, { config, service: createReviewService({ config, prisma, temporal, logger }) });
  mount(groups.moderation, { config, moderation: createModerationService({ config, prisma, temporal, logger }) });
  mount(groups.agreement, { prisma });
  mount(groups.audit, { service: createAuditService(prisma) });
  app.use(api);
  // Everything under these paths is for signed-in users: an unknown path or method there asks
  // for a token (401) before it is answered 404 or 405.
  app.use(['/submissions', '/reviews', '/attempts', '/progress', '/tasks', '/sittings', '/admin'], authenticate(accessTokens));

  app.use(methodNotAllowed(operations));
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
