import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IDEMPOTENCY } from '../runtime.tokens.js';
import type { IdempotencyStore } from './idempotency.store.js';
import { runWithIdempotency } from './request-context.js';

/** Keys are kept at least this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;

interface RequestLike {
  method: string;
  url: string;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  user?: { userId: number };
  ip?: string;
}

/** Canonical JSON (sorted keys), so the same body always has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on any state-changing request: a retry with the same key gets the first
 * status and body; the same key with a different request is refused (422); concurrent duplicates
 * carry the same command id to the engine, which applies it once.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(IDEMPOTENCY) private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestLike>();
    const header = request.headers['idempotency-key'];
    if (request.method === 'GET' || request.method === 'HEAD' || header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY.test(key)) {
      throw new HttpException({ error: 'Idempotency-Key must be 1 to 255 visible ASCII characters' }, HttpStatus.BAD_REQUEST);
    }
    const scope = request.user ? `user:${request.user.userId}` : 'public';
    const id = createHash('sha256').update(`${scope}\n${key}`).digest('base64url');
    const fingerprint = createHash('sha256').update(`${request.method} ${request.url}\n${canonical(request.body)}`).digest('base64url');
    const status: number = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);

    return from(
      (async () => {
        const claim = await this.store.claim(id, fingerprint, IDEMPOTENCY_TTL_MS);
        if (claim.state === 'mismatch') {
          throw new HttpException({ error: 'This Idempotency-Key was already used for a different request' }, HttpStatus.UNPROCESSABLE_ENTITY);
        }
        if (claim.state === 'done') {
          http.getResponse<{ status(code: number): unknown }>().status(claim.response.status);
          return claim.response.body;
        }
        const body = await runWithIdempotency(id, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
        await this.store.complete(id, { status, body }, IDEMPOTENCY_TTL_MS);
        return body;
      })(),
    );
  }
}

