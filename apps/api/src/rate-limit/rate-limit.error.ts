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
