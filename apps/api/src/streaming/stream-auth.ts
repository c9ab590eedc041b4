import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { TokenService } from '../auth/token.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../runtime.tokens.js';
import { CLOSE, type CloseCode } from './stream-messages.js';
import type { StreamAccess, SubscribeRequest } from './stream-session.js';

/** What a client presented: a user's JWT or the admin token. */
export interface StreamCredentials {
  token?: string;
  adminToken?: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

type Headers = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Credentials from a request: `?token=` / `?adminToken=` (browsers cannot set headers on a
 * WebSocket or an EventSource), else `Authorization: Bearer <jwt>`, `Authorization: <jwt>`,
 * `auth-token: <jwt>` or `x-admin-token`. Undefined when none was given.
 */
export function credentialsFrom(headers: Headers, query: URLSearchParams): StreamCredentials | undefined {
  const adminToken = query.get('adminToken') ?? first(headers['x-admin-token']);
  if (adminToken) return { adminToken };
  const authorization = first(headers.authorization);
  const token = query.get('token') ?? (authorization ? authorization.replace(/^Bearer\s+/i, '') : undefined) ?? first(headers['auth-token']);
  return token ? { token } : undefined;
}

function parseList(text: string | null | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

/** A whole number ≥ 0 from text or a JSON number. */
function position(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

/**
 * `{from, symbols, accounts}` from query parameters (`symbols` and `accounts` comma separated) or
 * from a JSON message (arrays or comma-separated strings). A string is the error to send back.
 */
export function parseSubscribe(input: { from?: unknown; symbols?: unknown; accounts?: unknown }): SubscribeRequest | string {
  const from = position(input.from);
  if (from === null) return 'from must be a log position (a whole number ≥ 0)';
  const list = (value: unknown): string[] | string =>
    value === undefined || value === null ? [] : Array.isArray(value) ? value.map(String) : typeof value === 'string' ? parseList(value) : 'must be a list';
  const symbols = list(input.symbols);
  if (typeof symbols === 'string') return `symbols ${symbols}`;
  const accountTexts = list(input.accounts);
  if (typeof accountTexts === 'string') return `accounts ${accountTexts}`;
  const accounts: number[] = [];
  for (const text of accountTexts) {
    if (!/^[1-9]\d{0,15}$/.test(text)) return `accounts must be account ids, got ${text}`;
    accounts.push(Number(text));
  }
  return {
    ...(from === undefined ? {} : { from }),
    symbols: symbols.map((s) => s.toUpperCase()),
    ...(input.accounts === undefined || input.accounts === null || accounts.length === 0 ? {} : { accounts }),
  };
}

export function subscribeFromQuery(query: URLSearchParams, lastEventId?: string): SubscribeRequest | string {
  return parseSubscribe({
    // An EventSource reconnecting sends the id of the last message it saw: that wins over `from`.
    from: lastEventId ?? query.get('from') ?? undefined,
    symbols: query.get('symbols') ?? undefined,
    accounts: query.get('accounts') ?? undefined,
  });
}

/** A verified JWT's `exp` in epoch milliseconds, undefined without one. */
function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Checks stream credentials exactly like the HTTP API does (same JWTs, same admin token). */
@Injectable()
export class StreamAuth {
  private readonly admin: Buffer | null;

  constructor(
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.admin = config.adminToken ? digest(config.adminToken) : null;
  }

  async authenticate(credentials: StreamCredentials): Promise<{ access: StreamAccess; expiresAt?: number } | { refused: CloseCode; error: string }> {
    if (credentials.adminToken !== undefined) {
      if (!this.admin) return { refused: CLOSE.FORBIDDEN, error: 'Admin endpoints are disabled: start the service with ADMIN_TOKEN set' };
      if (!timingSafeEqual(digest(credentials.adminToken), this.admin)) return { refused: CLOSE.FORBIDDEN, error: 'Invalid admin token' };
      return { access: { kind: 'admin' } };
    }
    if (credentials.token === undefined) return { refused: CLOSE.UNAUTHORIZED, error: 'Unauthorized' };
    // The same check as every HTTP request: signature and claims, a signed-out session, an unknown user.
    const checked = await this.tokens.authenticate(credentials.token);
    if ('failure' in checked) {
      if (checked.failure === 'unavailable') return { refused: CLOSE.GOING_AWAY, error: 'Cannot check the session right now: retry shortly' };
      return { refused: CLOSE.UNAUTHORIZED, error: checked.failure === 'expired' ? 'Token expired' : checked.failure === 'revoked' ? 'Token revoked: the session was signed out' : 'Unauthorized' };
    }
    return { access: { kind: 'user', userId: checked.principal.userId, sessionId: checked.principal.sessionId }, expiresAt: expiryOf(credentials.token) };
  }
}
