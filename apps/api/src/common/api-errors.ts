import { HttpException, HttpStatus } from '@nestjs/common';

/** An error in the `/api/v1` shape: `{ error, code? }`. */
export class ApiError extends HttpException {
  constructor(status: HttpStatus, message: string, code?: string) {
    super(code ? { error: message, code } : { error: message }, status);
  }
}

export const notFound = (what: string) => new ApiError(HttpStatus.NOT_FOUND, `${what} not found`);
export const badRequest = (message: string, code?: string) => new ApiError(HttpStatus.BAD_REQUEST, message, code);

/** The seed's exact 408 body: the request was not executed and never will be. */
export const TIMEOUT_BODY = {
  error: 'Request timeout: No response received within 3 seconds',
  message: 'Order creation request timed out. The order may have been cancelled.',
  timeout: true,
} as const;
