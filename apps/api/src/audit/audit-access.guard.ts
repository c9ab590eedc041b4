import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard.js';
import { CredentialsGuard } from '../auth/credentials.guard.js';
import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../runtime.tokens.js';

/** Who reads an account's history: the admin (any account) or a user (their own accounts only). */
export type Auditor = { kind: 'admin' } | { kind: 'owner'; userId: number };

interface AuditRequest {
  headers: Record<string, unknown>;
  user?: Principal;
  auditor?: Auditor;
}

/**
 * Either credential opens the audit endpoints: `x-admin-token` (checked exactly like the admin
 * endpoints: a wrong token is a 403, never a fallback to user credentials), or a user's credentials
 * in any accepted form (a missing or bad one is a 401). Which accounts a user may read is decided by
 * the handler, which answers 404 for another user's account as if it did not exist.
 */
@Injectable()
export class AuditAccessGuard implements CanActivate {
  private readonly admin: AdminGuard;
  private readonly credentials = new CredentialsGuard();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.admin = new AdminGuard(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuditRequest>();
    if (request.headers['x-admin-token'] !== undefined) {
      this.admin.canActivate(context);
      request.auditor = { kind: 'admin' };
      return true;
    }
    await this.credentials.canActivate(context);
    request.auditor = { kind: 'owner', userId: request.user!.userId };
    return true;
  }
}

export const CurrentAuditor = createParamDecorator((_: unknown, ctx: ExecutionContext): Auditor => {
  return ctx.switchToHttp().getRequest<AuditRequest>().auditor!;
});
