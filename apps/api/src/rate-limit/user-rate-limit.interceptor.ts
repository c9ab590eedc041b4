import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { TooManyRequestsError } from './rate-limit.error.js';
import { RateLimits } from './rate-limits.js';

/** Per-user admission, after authentication (the user is known only then). */
@Injectable()
export class UserRateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limits: RateLimits) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const user = http.getRequest<{ user?: { userId: number } }>().user;
    if (user) {
      const wait = this.limits.admitUser(user.userId);
      if (wait > 0) {
        const error = new TooManyRequestsError(wait);
        http.getResponse<{ header(name: string, value: string): unknown }>().header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
    }
    return next.handle();
  }
}
