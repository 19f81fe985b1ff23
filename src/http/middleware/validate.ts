// Route handlers receive parsed, typed input and never the raw request body.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { BadRequestError, ValidationError, type FieldError } from '../errors.ts';

interface Schemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Parsed<S extends Schemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/**
 * Wraps a handler with zod validation. Malformed ids and query strings are 400s; a body that
 * parses as JSON but breaks the schema is a 422 with one entry per field.
 */
export function validated<S extends Schemas>(
  schemas: S,
  handler: (input: Parsed<S>, req: Request, res: Response, next: NextFunction) => Promise<void> | void,
): RequestHandler {
  return async (req, res, next) => {
    const input: Record<string, unknown> = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const result = schema.safeParse(part === 'body' ? (req.body ?? {}) : req[part]);
      if (!result.success) {
        const errors = fieldErrors(result.error, part === 'body' ? '' : part);
        if (part === 'body') throw new ValidationError(errors);
        throw new BadRequestError(`Invalid ${part === 'params' ? 'path parameter' : 'query parameter'}.`, errors);
      }
      input[part] = result.data;
    }
    await handler(input as Parsed<S>, req, res, next);
  };
}
