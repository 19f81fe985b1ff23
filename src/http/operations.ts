// Every operation of the API, in the order they are matched. The app mounts them with their
// dependencies (app.ts); the OpenAPI document, the 405 answers, the fuzz run and the console's
// generated types all read this one list.
import { auditRoutes } from '../audit/audit.routes.ts';
import { authRoutes } from '../auth/auth.routes.ts';
import { sessionRoutes } from '../auth/session.routes.ts';
import { attemptRoutes } from '../attempts/attempt.routes.ts';
import { consoleRoutes } from '../console/console.routes.ts';
import { healthRoutes } from '../health/health.routes.ts';
import type { OperationDoc } from '../lib/http/operation.ts';
import { liveRoutes } from '../live/live.routes.ts';
import { agreementRoutes } from '../moderation/agreement.routes.ts';
import { moderationRoutes } from '../moderation/moderation.routes.ts';
import { progressRoutes } from '../progress/progress.routes.ts';
import { reviewRoutes } from '../reviews/review.routes.ts';
import { sittingRoutes } from '../sittings/sitting.routes.ts';
import { submissionRoutes } from '../submissions/submission.routes.ts';
import { taskRoutes } from '../tasks/task.routes.ts';
import { userRoutes } from '../users/user.routes.ts';
import { docsRoutes } from './docs.routes.ts';
import { openApiDocument } from './openapi.ts';

export const operationGroups = {
  health: healthRoutes,
  docs: docsRoutes,
  console: consoleRoutes,
  auth: authRoutes,
  session: sessionRoutes,
  users: userRoutes,
  tasks: taskRoutes,
  sittings: sittingRoutes,
  submissions: submissionRoutes,
  live: liveRoutes,
  attempts: attemptRoutes,
  progress: progressRoutes,
  reviews: reviewRoutes,
  moderation: moderationRoutes,
  agreement: agreementRoutes,
  audit: auditRoutes,
};

export const operations: readonly OperationDoc[] = Object.values(operationGroups).flat();

export const apiDocument = (info: { version: string; serverUrl?: string }) => openApiDocument(operations, info);
