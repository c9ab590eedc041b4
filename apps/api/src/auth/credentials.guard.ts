import { HttpStatus, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiError } from '../common/api-errors.js';

/** Requires valid credentials; a missing or bad one is a 401 `{ error }`. */
@Injectable()
export class CredentialsGuard extends AuthGuard('credentials') {
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error instanceof ApiError) throw error;
    if (error || !user) throw new ApiError(HttpStatus.UNAUTHORIZED, 'Unauthorized');
    return user;
  }
}
