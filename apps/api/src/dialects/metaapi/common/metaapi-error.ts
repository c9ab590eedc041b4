import { HttpException, HttpStatus } from '@nestjs/common';

/** One invalid field of a request, as MetaApi's ValidationError lists them. */
export interface MetaApiErrorDetail {
  parameter: string;
  value?: unknown;
  message: string;
}

/** MetaApi's error model. `id` is 1, as in every example of MetaApi's documentation. */
export interface MetaApiErrorBody {
  id: number;
  error: string;
  message: string;
  details?: MetaApiErrorDetail[];
  /** TooManyRequestsError: when to retry. */
  metadata?: { recommendedRetryTime: string };
}

/** An error answered in MetaApi's shape `{id, error, message, details?}`. */
export class MetaApiError extends HttpException {
  constructor(status: HttpStatus, error: string, message: string, details?: MetaApiErrorDetail[]) {
    const body: MetaApiErrorBody = details ? { id: 1, error, message, details } : { id: 1, error, message };
    super(body, status);
  }

  get body(): MetaApiErrorBody {
    return this.getResponse() as MetaApiErrorBody;
  }
}

export const validationFailed = (details: MetaApiErrorDetail[]) =>
  new MetaApiError(HttpStatus.BAD_REQUEST, 'ValidationError', 'Validation failed', details);

/** One invalid parameter (a path parameter, a query parameter or one body field). */
export const invalidParameter = (parameter: string, value: unknown, message: string) =>
  validationFailed([{ parameter, ...shownValue(value), message }]);

export const notFound = (message: string) => new MetaApiError(HttpStatus.NOT_FOUND, 'NotFoundError', message);

/** The names MetaApi gives its errors, by HTTP status. */
export function errorNameFor(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
      return 'ValidationError';
    case 401:
      return 'UnauthorizedError';
    case 403:
      return 'ForbiddenError';
    case 404:
      return 'NotFoundError';
    case 409:
      return 'ConflictError';
    case 429:
      return 'TooManyRequestsError';
    case 408:
    case 504:
      return 'TimeoutError';
    default:
      return status >= 500 ? 'InternalError' : 'ApiError';
  }
}

/** A value is echoed back in `details` only when it is a short primitive: never a whole object or a long text. */
export function shownValue(value: unknown): { value?: unknown } {
  if (value === undefined) return {};
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { value };
  if (typeof value === 'string') return value.length <= 64 ? { value } : { value: `${value.slice(0, 64)}…` };
  return {};
}
