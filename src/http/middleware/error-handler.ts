import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../lib/logger.ts';
import { AppError, MethodNotAllowedError, NotFoundError } from '../../lib/http/errors.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { field: string; message: string }[];
}

/** body-parser and other http-errors style failures carry a status and a machine type. */
function fromHttpError(error: { status?: number; type?: string }): AppError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'Bad Request', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new AppError(413, 'Content Too Large', 'The request body is larger than this endpoint accepts.');
    case 'encoding.invalid':
      return new AppError(400, 'Bad Request', 'The request body is not valid UTF-8.');
    case 'charset.unsupported':
      return new AppError(415, 'Unsupported Media Type', 'Only UTF-8 request bodies are accepted.');
    case 'encoding.unsupported':
      return new AppError(415, 'Unsupported Media Type', 'This Content-Encoding is not supported (gzip, deflate and br are).');
    case 'request.aborted':
      return new AppError(400, 'Bad Request', 'The request was aborted by the client.');
  }
  if (error.status && error.status >= 400 && error.status < 500) {
    return new AppError(error.status, 'Bad Request', 'The request could not be read.');
  }
  return undefined;
}

/** Prisma's known request errors: unique violations and missing rows. */
function fromPrisma(error: { code?: unknown; name?: string }): AppError | undefined {
  if (error.name !== 'PrismaClientKnownRequestError') return undefined;
  if (error.code === 'P2002') return new AppError(409, 'Conflict', 'The resource already exists.');
  if (error.code === 'P2025') return new NotFoundError();
  return undefined;
}

export const notFound: RequestHandler = (req) => {
  throw new NotFoundError(`No route for ${req.method} ${req.path}.`);
};

/**
 * A path the API serves, asked with a method it does not serve: 405 with the methods it does in
 * Allow (RFC 9110 §15.5.6), not a 404 saying there is no such resource. Mounted after the routes.
 */
export function methodNotAllowed(routes: ReadonlyArray<{ method: string; path: string }>): RequestHandler {
  const methodsByPath = new Map<string, string[]>();
  for (const { method, path } of routes) methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method.toUpperCase()]);
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const known = [...methodsByPath].map(([path, methods]) => ({
    // Express matches paths case-insensitively, with or without a trailing slash.
    pattern: new RegExp(`^${path.split(/:[A-Za-z]+/).map(literal).join('[^/]+')}/?$`, 'i'),
    // HEAD comes with every GET route; OPTIONS (CORS preflight) is answered for every path.
    allow: [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', '),
  }));
  return (req, res, next) => {
    const served = known.find((k) => k.pattern.test(req.path));
    if (!served) return next();
    res.set('Allow', served.allow);
    throw new MethodNotAllowedError(`${req.method} is not supported on ${req.path}; it accepts ${served.allow}.`);
  };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known =
      error instanceof AppError ? error : (fromHttpError(error) ?? fromPrisma(error));
    const problem: Problem = known
      ? {
          type: known.type,
          title: known.title,
          status: known.status,
          detail: known.message,
          ...(known.errors ? { errors: known.errors } : {}),
        }
      : {
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          detail: 'Something went wrong on our side. The request id identifies it in our logs.',
        };
    if (problem.status >= 500) {
      logger.error({ err: error, requestId: res.locals.requestId, path: req.path }, 'request failed');
    }
    problem.instance = req.originalUrl;
    res.status(problem.status).type('application/problem+json').json({ ...problem, requestId: res.locals.requestId });
  };
}
