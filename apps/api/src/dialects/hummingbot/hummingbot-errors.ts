import { HttpException, HttpStatus } from '@nestjs/common';

/** One FastAPI / pydantic v2 validation error item. */
export interface ValidationDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

/** An error in FastAPI's shape: `{ detail: "..." }` (HTTPException) or `{ detail: [...] }` (422 validation). */
export class HummingbotError extends HttpException {
  constructor(
    status: HttpStatus,
    detail: string | ValidationDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super({ detail }, status);
  }
}

export const hbNotFound = (detail: string) => new HummingbotError(HttpStatus.NOT_FOUND, detail);
export const hbBadRequest = (detail: string) => new HummingbotError(HttpStatus.BAD_REQUEST, detail);

/** A 422 for one body field, worded like pydantic's `value_error`. */
export const hbFieldError = (field: string, msg: string, input?: unknown) =>
  new HummingbotError(HttpStatus.UNPROCESSABLE_ENTITY, [{ type: 'value_error', loc: ['body', field], msg: `Value error, ${msg}`, ...(input === undefined ? {} : { input }) }]);

/** FastAPI's HTTPBasic answers: 401 with `WWW-Authenticate: Basic`. */
export const hbUnauthorized = (detail: string) => new HummingbotError(HttpStatus.UNAUTHORIZED, detail, { 'www-authenticate': 'Basic' });
