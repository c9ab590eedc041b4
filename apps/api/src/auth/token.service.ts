import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Principal } from './principal.js';

export const JWT_ISSUER = 'tradestream';
export const JWT_AUDIENCE = 'tradestream-api';
export const JWT_ALGORITHM = 'HS256';
export const TOKEN_TTL_SECONDS = 24 * 60 * 60;

interface Claims {
  sub: string;
  acc: Principal['access'];
}

/** HS256 tokens with the algorithm pinned on verification: `alg: none` and key confusion fail. */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(principal: Principal): string {
    const claims: Claims = { sub: String(principal.userId), acc: principal.access };
    return this.jwt.sign(claims);
  }

  /** The principal of a valid token, or undefined for any invalid, expired or foreign one. */
  verify(token: string): Principal | undefined {
    const result = this.check(token);
    return 'principal' in result ? result.principal : undefined;
  }

  /** Like verify, but tells an expired token from one that was never valid (seed 002 answers them differently). */
  check(token: string): { principal: Principal } | { failure: 'expired' | 'invalid' } {
    try {
      const claims = this.jwt.verify<Claims & { iat: number }>(token);
      const userId = Number(claims.sub);
      if (!Number.isSafeInteger(userId) || userId <= 0) return { failure: 'invalid' };
      return { principal: { userId, access: claims.acc === 'manager' ? 'manager' : 'user' } };
    } catch (error) {
      return { failure: (error as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
    }
  }
}
