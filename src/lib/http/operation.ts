// One declaration per API operation: method, path, roles, request schemas, response schemas per
// status and the handler. From it the Express route is registered (authentication, validation,
// the reply), the OpenAPI document is written (src/http/openapi.ts) and unsupported methods are
// answered with 405. Handlers get parsed, typed input and return { status, body }, typed by the
// response schema of that status; where responses are validated (tests), a body that breaks
// its schema is a server error.
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../../domain/roles.ts';
import { BadRequestError, ValidationError, type AppError, type FieldError } from './errors.ts';
import { jsonBody } from './json-body.ts';
import { fieldErrors } from './validate.ts';

export type Method = 'get' | 'post' | 'patch' | 'delete';

/** A request header or cookie the operation reads, as the document states it. */
export interface ParameterDoc {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  required?: boolean;
}

export interface ResponseSpec {
  description: string;
  /** The JSON body of this status (problem+json for errors). */
  schema?: z.ZodType;
  /** Another media type (text/event-stream, audio/*, text/html): the handler writes the body itself. */
  contentType?: string;
  /** text/event-stream: the JSON each event carries as its `data`. */
  events?: z.ZodType;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export type Responses = Record<number, ResponseSpec>;

/** What the OpenAPI document is written from. */
export interface OperationDoc {
  method: Method;
  /** Express-style path (":id"); the document writes "{id}". */
  path: string;
  summary: string;
  tag: string;
  /** More than the summary says (the document adds the roles before it). */
  description?: string;
  /** Who may call it (a valid access token of one of these roles); absent: anyone. */
  roles?: readonly Role[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The JSON body, validated before the handler runs. */
  body?: z.ZodType;
  /**
   * The body as documented, when it is not (only) `body`: a review decision's criteria, checked
   * later; a body the handler reads itself because the operation takes more than one media type.
   */
  documentedBody?: z.ZodType;
  /** The body may be left out (every field is optional). */
  bodyOptional?: boolean;
  /** Request bodies of other media types, as JSON Schema (multipart speaking answers). */
  otherBodies?: Record<string, Record<string, unknown>>;
  headers?: ParameterDoc[];
  cookies?: ParameterDoc[];
  responses: Responses;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Input<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

declare const answered: unique symbol;

/** What a handler returns: made only by `reply`, so its status is declared and its body fits that status's schema. */
export interface Answer {
  status: number;
  body?: unknown;
  readonly [answered]: true;
}

type BodyOf<T> = T extends { schema: infer Z extends z.ZodType } ? z.input<Z> : undefined;
/** Statuses a handler answers with; problems are thrown (AppError) instead. */
type Answerable<R> = { [S in keyof R & number]: R[S] extends { contentType: typeof problemType } ? never : S }[keyof R & number];

export type Replier<R extends Responses> = <S extends Answerable<R>>(status: S, ...body: BodyOf<R[S]> extends undefined ? [] : [BodyOf<R[S]>]) => Answer;

export interface Context<D, R extends Responses = Responses> {
  req: Request;
  res: Response;
  deps: D;
  reply: Replier<R>;
}

interface Behaviour<D> {
  /** How a body that breaks `body` is refused: 422 with the fields, unless the contract says otherwise. */
  invalidBody?: (errors: FieldError[]) => AppError;
  /** Middleware run after authentication, before validation: rate limits, cache headers. Built once, at mount. */
  before?: (deps: D) => RequestHandler[];
}

export interface OperationSpec<D, P, Q, B, R extends Responses> extends OperationDoc, Behaviour<D> {
  params?: P & z.ZodObject;
  query?: Q & z.ZodObject;
  body?: B & z.ZodType;
  responses: R;
  /** Returns `reply(status, body)`, or nothing when it wrote the response itself (a stream, a file). */
  handler: (input: Input<P, Q, B>, context: Context<D, R>) => Promise<Answer | void>;
}

export interface Operation<D> extends OperationDoc, Behaviour<D> {
  handler: (input: { params: unknown; query: unknown; body: unknown }, context: Context<D>) => Promise<Answer | void>;
}

/** Declares an operation whose handler uses `D`; the input and reply types follow from the schemas. */
export const operationOf =
  <D>() =>
  <P = undefined, Q = undefined, B = undefined, const R extends Responses = Responses>(spec: OperationSpec<D, P, Q, B, R>): Operation<D> =>
    spec as unknown as Operation<D>;

const problemType = 'application/problem+json';

const problemText: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing or invalid access token',
  403: 'Role not allowed',
  404: 'Not found (or not visible to you)',
  409: 'Conflict with the current state',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Validation failed (errors per field)',
  429: 'Rate limited (Retry-After)',
  503: 'Unavailable (Retry-After)',
};

export const problemSchema = z
  .strictObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });

/** The documented problem answers of an operation. */
type ProblemResponse = ResponseSpec & { schema: typeof problemSchema; contentType: typeof problemType };

export function problems<const C extends readonly number[]>(...codes: C): { [K in C[number]]: ProblemResponse } {
  return Object.fromEntries(codes.map((code) => [code, { description: problemText[code] ?? 'Problem', schema: problemSchema, contentType: problemType }])) as {
    [K in C[number]]: ProblemResponse;
  };
}

export interface MountOptions {
  /** Authentication and role checks for operations with roles. */
  guard: (roles: readonly Role[]) => RequestHandler[];
  /** Check every JSON answer against its declared schema (on in tests). */
  validateResponses: boolean;
}

function parsePart(schema: z.ZodType, value: unknown, part: 'params' | 'query'): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestError(`Invalid ${part === 'params' ? 'path parameter' : 'query parameter'}.`, fieldErrors(result.error, part));
}

/** The JSON body parsed with `schema`; a body of another type is 415, one that breaks the schema 422 (or `invalid`). */
export function parseJsonBody<S extends z.ZodType>(schema: S, req: Request, invalid?: (errors: FieldError[]) => AppError): z.output<S> {
  const result = schema.safeParse(jsonBody(req));
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  throw invalid ? invalid(errors) : new ValidationError(errors);
}

const reply = ((status: number, ...body: unknown[]) => (body.length ? { status, body: body[0] } : { status })) as Replier<Responses>;

function send<D>(op: Operation<D>, res: Response, answer: Answer, validate: boolean): void {
  if (!('body' in answer)) {
    res.status(answer.status).end();
    return;
  }
  const schema = op.responses[answer.status]?.schema;
  if (validate && schema) {
    const checked = schema.safeParse(answer.body);
    if (!checked.success) {
      throw new Error(`${op.method.toUpperCase()} ${op.path} answered ${answer.status} with a body its schema refuses:\n${z.prettifyError(checked.error)}`);
    }
  }
  res.status(answer.status).json(answer.body);
}

/** Registers the operations on `router`, their handlers given `deps`. */
export function mountOperations<D>(router: Router, operations: readonly Operation<D>[], deps: D, options: MountOptions): void {
  for (const op of operations) {
    const run: RequestHandler = async (req, res) => {
      const input = {
        params: op.params ? parsePart(op.params, req.params, 'params') : undefined,
        query: op.query ? parsePart(op.query, req.query, 'query') : undefined,
        body: op.body ? parseJsonBody(op.body, req, op.invalidBody) : undefined,
      };
      const answer = await op.handler(input, { req, res, deps, reply });
      if (answer) send(op, res, answer, options.validateResponses);
    };
    router[op.method](op.path, ...(op.roles ? options.guard(op.roles) : []), ...(op.before?.(deps) ?? []), run);
  }
}
