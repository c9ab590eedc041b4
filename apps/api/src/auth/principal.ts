import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who is calling: set by the credentials guard on every authenticated request. */
export interface Principal {
  userId: number;
  access: 'user' | 'manager';
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ user: Principal }>().user;
});
