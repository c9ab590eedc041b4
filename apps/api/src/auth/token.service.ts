import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import type { ReadModelReader } from '../../../../libs/read-models/src/read-model-store.port.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { READ_MODELS, SESSIONS } from '../runtime.tokens.js';
import type { Principal } from './principal.js';
import type { SessionRevocations } from './session-revocations.js';
import { VerifiedTokens } from './verified-tokens.js';

export const JWT_ISSUER = 'tradestream';
export const JWT_AUDIENCE = 'tradestream-api';
export const JWT_ALGORITHM = 'HS256';
export const TOKEN_TTL_SECONDS = 24 * 60 * 60;

interface Claims {
  sub: string;
  acc: Principal['access'];
  /** The session the token belongs to; signing out revokes it. */
  sid?: string;
}

const SESSION_ID = /^[\w-]{8,64}$/;

/** Why a token is refused: seed 002 answers an expired one with its own message. */
export type TokenFailure = 'expired' | 'invalid' | 'revoked' | 'unavailable';

export type TokenCheck = { principal: Principal } | { failure: TokenFailure };

/** The 401 message for each failure (`unavailable` is a 503: the session store did not answer). */
export const TOKEN_FAILURE_MESSAGE: Record<TokenFailure, string> = {
  expired: 'Token expired or invalid',
  invalid: 'Unauthorized',
  revoked: 'Token revoked: the session was signed out',
  unavailable: 'Cannot check the session right now: retry shortly',
};

/**
 * HS256 tokens with the algorithm, issuer and audience pinned on verification: `alg: none`, other
 * algorithms (HS512, RS256, key confusion), a tampered signature, `exp` in the past and `nbf` in the
 * future all fail. Every token carries a session id (`sid`); a signed-out session's tokens fail on
 * every authenticated request, as do tokens of a user who does not exist.
 */
@Injectable()
export class TokenService {
  private readonly logger = createLogger('tokens');
  /** Users are never deleted: once seen, a user id stays valid (saves a read per request). */
  private readonly knownUsers = new Set<number>();
  /** Signature and claims of a token already verified are not verified again until it expires. */
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly jwt: JwtService,
    @Inject(SESSIONS) private readonly sessions: SessionRevocations,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  issue(principal: Principal): string {
    const claims: Claims = { sub: String(principal.userId), acc: principal.access, sid: randomBytes(16).toString('base64url') };
    return this.jwt.sign(claims);
  }

  /** Verifies the signature and the claims only (the first half of `authenticate`, without the session and user checks). */
  check(token: string): TokenCheck {
    const known = this.verified.get(token);
    if (known) return { principal: known };
    const result = this.verifyClaims(token);
    if ('principal' in result) this.verified.remember(token, result.principal);
    return result;
  }

  private verifyClaims(token: string): TokenCheck {
    try {
      const claims = this.jwt.verify<Claims & { iat: number; exp?: number }>(token);
      const userId = Number(claims.sub);
      if (typeof claims.sub !== 'string' || !Number.isSafeInteger(userId) || userId <= 0) return { failure: 'invalid' };
      if (claims.sid !== undefined && (typeof claims.sid !== 'string' || !SESSION_ID.test(claims.sid))) return { failure: 'invalid' };
      // Every token must expire: one without `exp` (never issued here) would outlive any sign-out record.
      if (typeof claims.exp !== 'number') return { failure: 'invalid' };
      // A token without `sid` (signed elsewhere with the same secret, or by an older release) is a
      // session of its own, named by its digest: it can be signed out like any other.
      const sessionId = claims.sid ?? `t:${createHash('sha256').update(token).digest('base64url')}`;
      const expiresAt = claims.exp * 1000;
      return { principal: { userId, access: claims.acc === 'manager' ? 'manager' : 'user', sessionId, expiresAt } };
    } catch (error) {
      return { failure: (error as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
    }
  }

  /** The full check of every authenticated request: signature and claims, then the session and the user. */
  async authenticate(token: string): Promise<TokenCheck> {
    const checked = this.check(token);
    if (!('principal' in checked)) return checked;
    const { principal } = checked;
    try {
      if (await this.sessions.isRevoked(principal.sessionId!)) return { failure: 'revoked' };
      if (!this.knownUsers.has(principal.userId)) {
        if (!(await this.readModels.user(principal.userId))) return { failure: 'invalid' };
        this.knownUsers.add(principal.userId);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'session check failed');
      return { failure: 'unavailable' };
    }
    return checked;
  }

  /** Verified principal, or undefined (no session check). */
  verify(token: string): Principal | undefined {
    const result = this.check(token);
    return 'principal' in result ? result.principal : undefined;
  }

  /** Signs the principal's session out: every token of it fails from now on, on every API instance. */
  async revoke(principal: Principal): Promise<void> {
    if (!principal.sessionId) throw new Error('no session to sign out of');
    await this.sessions.revoke(principal.sessionId, principal.expiresAt ?? Date.now() + TOKEN_TTL_SECONDS * 1000);
  }
}
