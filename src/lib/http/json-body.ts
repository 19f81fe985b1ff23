// JSON request bodies are UTF-8 text (RFC 8259 §8.1). body-parser alone would decode UTF-16/32,
// replace invalid bytes and unpaired surrogate escapes with U+FFFD on the way to the database,
// and leave a body of another media type unread, to be validated as if it were empty.
import { isUtf8 } from 'node:buffer';
import type { Request, RequestHandler } from 'express';
import { BadRequestError, UnsupportedMediaTypeError } from './errors.ts';

/** An http-errors style failure: the error handler maps it by `type`. */
const bodyError = (status: number, type: string, message: string) => Object.assign(new Error(message), { status, type });

/** express.json `verify`: runs on the raw bytes before they are decoded. */
export function utf8Only(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (encoding !== 'utf-8') throw bodyError(415, 'charset.unsupported', `unsupported charset "${encoding}"`);
  if (!isUtf8(body)) throw bodyError(400, 'encoding.invalid', 'the body is not valid UTF-8');
}

const unpairedSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** After express.json: no string (value or key) may hold an unpaired surrogate such as "\ud800". */
export const wellFormedJson: RequestHandler = (req, _res, next) => {
  const pending: unknown[] = [req.body];
  // Iterative: a body may nest tens of thousands of levels deep.
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && unpairedSurrogate.test(value)) {
      throw new BadRequestError('The request body holds an unpaired UTF-16 surrogate (e.g. "\\ud800"), which is not text.');
    }
    if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push(key, item);
    }
  }
  next();
};

/**
 * The parsed JSON body of a route that takes one. A body of another media type (text/plain,
 * form-encoded, no Content-Type at all) is a 415 rather than an empty object.
 */
export function jsonBody(req: Request): unknown {
  const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    throw new UnsupportedMediaTypeError('This endpoint takes an application/json body (UTF-8).');
  }
  return req.body ?? {};
}
