import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with how long to wait; each dialect's filter renders it in its own shape and sets Retry-After. */
export class TooManyRequestsError extends HttpException {
  constructor(
    readonly retryAfterMs: number,
    message = 'Too many requests: slow down and retry after the time in Retry-After',
  ) {
    super({ error: message }, HttpStatus.TOO_MANY_REQUESTS);
  }

  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}

/** Sets Retry-After for a 429 unless whoever refused the request already did (every dialect's filter calls it). */
export function ensureRetryAfter(reply: { hasHeader(name: string): boolean; header(name: string, value: string): unknown }, exception: unknown): void {
  if (exception instanceof TooManyRequestsError && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(exception.retryAfterSeconds));
}

/** The engine's queue is full: nothing was done, the client retries after Retry-After (a 429 in every dialect). */
export const engineBusy = (retryAfterMs: number) =>
  new TooManyRequestsError(retryAfterMs, 'The trading engine is busy: the request was not executed; retry after the time in Retry-After');
