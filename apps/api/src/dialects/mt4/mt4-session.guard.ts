import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { TOKEN_FAILURE_MESSAGE, TokenService } from '../../auth/token.service.js';
import { permissionDenied } from './mt4-errors.js';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  user?: Principal;
}

/**
 * Seed 001: every request carries the session JWT from `/sign/in` (or `/api/v1/user/signin`):
 * `Authorization: <jwt>` as the seed sends it, `Authorization: Bearer <jwt>`, or `auth-token: <jwt>`.
 * Anything else (no header, HTTP Basic, a bad or expired token) is PERMISSION_DENIED.
 */
@Injectable()
export class Mt4SessionGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestLike>();
    const token = sessionToken(request.headers);
    const result = await this.tokens.authenticate(token);
    if (!('principal' in result)) {
      if (result.failure === 'unavailable') throw new HttpException({ error: 'SERVICE_UNAVAILABLE', message: TOKEN_FAILURE_MESSAGE.unavailable }, HttpStatus.SERVICE_UNAVAILABLE);
      throw permissionDenied(
        result.failure === 'expired' ? 'Session expired: sign in again at /sign/in' : result.failure === 'revoked' ? 'Session signed out: sign in again at /sign/in' : 'Invalid session token',
      );
    }
    request.user = result.principal;
    return true;
  }
}

function sessionToken(headers: RequestLike['headers']): string {
  const header = headers.authorization;
  const authorization = (Array.isArray(header) ? header[0] : header)?.trim();
  if (authorization) {
    const space = authorization.indexOf(' ');
    if (space < 0) return authorization;
    const scheme = authorization.slice(0, space);
    if (/^bearer$/i.test(scheme)) return authorization.slice(space + 1).trim();
    throw permissionDenied(`${scheme} credentials are not a session: sign in at /sign/in and send its token as Authorization: <token>`);
  }
  const authToken = headers['auth-token'];
  if (typeof authToken === 'string' && authToken !== '') return authToken;
  throw permissionDenied('Missing session: send the token from /sign/in as Authorization: <token>');
}
