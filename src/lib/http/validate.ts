// Validation building blocks: text fields PostgreSQL can store, and zod issues as the problem's
// per-field errors. Operations (operation.ts) validate their input with them before a handler runs.
import { z } from 'zod';
import type { FieldError } from './errors.ts';

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
