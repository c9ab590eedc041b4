import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createHash } from 'node:crypto';
import { Strategy } from 'passport-custom';
import type { ReadModelReader } from '../../../../libs/read-models/src/read-model-store.port.js';
import { ApiError } from '../common/api-errors.js';
import { RateLimits } from '../rate-limit/rate-limits.js';
import { READ_MODELS } from '../runtime.tokens.js';
import { verifyPassword } from './password-hasher.js';
import type { Principal } from './principal.js';
import { TOKEN_FAILURE_MESSAGE, TokenService } from './token.service.js';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
}

/** Verified Basic credentials are remembered briefly: argon2 is deliberately slow per call. */
const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 10_000;

/**
 * One strategy for every accepted form: `Authorization: Bearer <jwt>`, `Authorization: <jwt>`,
 * `auth-token: <jwt>` (MetaApi), and HTTP Basic with the user's email and password (Hummingbot).
 */
@Injectable()
export class CredentialsStrategy extends PassportStrategy(Strategy, 'credentials') {
  private readonly basicCache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly tokens: TokenService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    private readonly limits: RateLimits,
  ) {
    super();
  }

  /** Throws ApiError for a token that is present but not acceptable, so the answer can say why. */
  async validate(request: RequestLike): Promise<Principal | false> {
    const header = request.headers.authorization;
    const authorization = Array.isArray(header) ? header[0] : header;
    const authToken = request.headers['auth-token'];
    if (authorization) {
      const [scheme, value] = authorization.includes(' ') ? authorization.split(/\s+/, 2) : ['', authorization];
      if (/^basic$/i.test(scheme!)) return this.basic(value ?? '', request.ip ?? 'unknown');
      if (scheme === '' || /^bearer$/i.test(scheme!)) return this.jwt(value ?? '');
      return false;
    }
    if (typeof authToken === 'string') return this.jwt(authToken);
    return false;
  }

  private async jwt(token: string): Promise<Principal> {
    const result = await this.tokens.authenticate(token);
    if ('principal' in result) return result.principal;
    // The session store did not answer: 503 (fail closed), never a 401 that would make a client drop a good token.
    if (result.failure === 'unavailable') throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, TOKEN_FAILURE_MESSAGE.unavailable);
    throw new ApiError(HttpStatus.UNAUTHORIZED, TOKEN_FAILURE_MESSAGE[result.failure]);
  }

  private async basic(encoded: string, ip: string): Promise<Principal | false> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return false;
    const email = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const key = createHash('sha256').update(decoded).digest('base64');
    const cached = this.basicCache.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const normalized = email.trim().toLowerCase();
    if (this.limits.signinBlocked(normalized, ip) > 0) {
      throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'Too many failed sign-ins: wait before trying again');
    }
    const user = await this.readModels.userByEmail(normalized);
    if (!user || !(await verifyPassword(user.passwordHash, password))) {
      this.limits.recordFailedSignin(normalized, ip);
      return false;
    }
    const principal: Principal = { userId: user.userId, access: user.role === 'manager' ? 'manager' : 'user' };
    if (this.basicCache.size >= BASIC_CACHE_MAX) this.basicCache.clear();
    this.basicCache.set(key, { principal, until: Date.now() + BASIC_CACHE_MS });
    return principal;
  }
}
