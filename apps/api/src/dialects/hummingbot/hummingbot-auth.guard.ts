import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { CredentialsStrategy } from '../../auth/credentials.strategy.js';
import type { Principal } from '../../auth/principal.js';
import { HummingbotError, hbUnauthorized } from './hummingbot-errors.js';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  user?: Principal;
}

/**
 * Seed 003: HTTP Basic with the user's email and password, nothing else (like FastAPI's HTTPBasic).
 * No or another scheme: 401 "Not authenticated"; a wrong pair: 401 "Incorrect username or password".
 * Verification (and its short cache of verified pairs) is the shared credentials strategy's.
 */
@Injectable()
export class HummingbotBasicGuard implements CanActivate {
  constructor(private readonly credentials: CredentialsStrategy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestLike>();
    const header = request.headers.authorization;
    const authorization = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
    if (!/^basic\s+\S/i.test(authorization)) throw hbUnauthorized('Not authenticated');
    let principal: Principal | false;
    try {
      principal = await this.credentials.validate({ headers: { authorization }, ip: request.ip });
    } catch (error) {
      // Too many failed sign-ins from this IP or for this email: 429, in FastAPI's shape.
      if (error instanceof HttpException && error.getStatus() === HttpStatus.TOO_MANY_REQUESTS) {
        throw new HummingbotError(HttpStatus.TOO_MANY_REQUESTS, 'Too many failed sign-ins: wait before trying again');
      }
      principal = false;
    }
    if (!principal) throw hbUnauthorized('Incorrect username or password');
    request.user = principal;
    return true;
  }
}
