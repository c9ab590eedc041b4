import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who is calling: set by the credentials guard on every authenticated request. */
export interface Principal {
  userId: number;
  access: 'user' | 'manager';
  /** The JWT's session (absent for HTTP Basic, which has none): what sign-out revokes. */
  sessionId?: string;
  /** When the token expires, epoch ms (how long a sign-out must be remembered). */
  expiresAt?: number;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ user: Principal }>().user;
});
