// Typed HTTP errors. The error middleware turns them into application/problem+json (RFC 9457).

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }

  /** A stable, documented problem type per status. */
  get type(): string {
    return `/problems/${this.title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, 'Bad Request', detail, errors);
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = 'The request is not valid.') {
    super(422, 'Unprocessable Content', detail, errors);
  }
}

export class NotFoundError extends AppError {
  constructor(detail = 'No such resource.') {
    super(404, 'Not Found', detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string) {
    super(409, 'Conflict', detail);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(detail: string) {
    super(405, 'Method Not Allowed', detail);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super(413, 'Content Too Large', detail, errors);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(detail: string) {
    super(415, 'Unsupported Media Type', detail);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'Service Unavailable', detail);
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'A valid access token is required.') {
    super(401, 'Unauthorized', detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'Your role does not allow this.') {
    super(403, 'Forbidden', detail);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'Too Many Requests', `Too many requests; try again in ${retryAfterSeconds} s.`);
  }
}
