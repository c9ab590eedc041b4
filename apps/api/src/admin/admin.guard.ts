import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../common/api-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../runtime.tokens.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Admin endpoints need `x-admin-token` equal to ADMIN_TOKEN; without ADMIN_TOKEN they are off. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ApiError(HttpStatus.FORBIDDEN, 'Admin endpoints are disabled: start the service with ADMIN_TOKEN set');
    const given = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-admin-token'];
    // Compare digests in constant time so the token cannot be guessed byte by byte.
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), this.expected)) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'Invalid admin token (x-admin-token)');
    }
    return true;
  }
}
