// Route handlers receive parsed, typed input and never the raw request body.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { BadRequestError, ValidationError, type FieldError } from './errors.ts';
import { jsonBody } from './json-body.ts';

interface Schemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Parsed<S extends Schemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

// Whitespace and line terminators as String.prototype.trim sees them, spelled out rather than
// `\s` so that a pattern reads the same in JSON Schema (the OpenAPI document) as it does here.
const blank = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** Text without NUL (PostgreSQL text cannot hold it). A pattern, so the document says so too. */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
export const noNulCharacters = /^[^\u0000]*$/;

/**
 * Text with something besides whitespace in it and no NUL, up to `max` characters (before any
 * trimming). One pattern, linear to match: the classes around the first non-blank character
 * do not overlap.
 */
export function someText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(new RegExp(`^[${blank}]*[^\\u0000${blank}][^\\u0000]*$`), {
      error: (issue) => (typeof issue.input === 'string' && issue.input.includes('\u0000') ? 'must not contain NUL characters' : 'must not be empty'),
    });
}

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
      const result = schema.safeParse(part === 'body' ? jsonBody(req) : req[part]);
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
