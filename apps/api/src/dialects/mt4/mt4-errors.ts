import { HttpException, HttpStatus } from '@nestjs/common';

/** Seed 001's error codes and the status each one answers with. */
export const MT4_ERRORS = {
  INVALID_DATA: HttpStatus.BAD_REQUEST,
  PERMISSION_DENIED: HttpStatus.UNAUTHORIZED,
  USER_NOT_FOUND: HttpStatus.FORBIDDEN,
  GROUP_NOT_FOUND: HttpStatus.NOT_FOUND,
  OPEN_ORDER_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
} as const;

export type Mt4ErrorCode = keyof typeof MT4_ERRORS;

/** An error in the MT4 manager shape: `{ error: CODE, message }`, with the seed's status for CODE. */
export class Mt4Error extends HttpException {
  constructor(
    readonly code: Mt4ErrorCode,
    message: string,
  ) {
    super({ error: code, message }, MT4_ERRORS[code]);
  }
}

export const invalidData = (message: string) => new Mt4Error('INVALID_DATA', message);
export const permissionDenied = (message: string) => new Mt4Error('PERMISSION_DENIED', message);
