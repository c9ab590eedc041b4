import { Body, Controller, HttpCode, HttpStatus, Inject, Ip, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import { verifyPassword } from '../../../auth/password-hasher.js';
import { TokenService } from '../../../auth/token.service.js';
import { TooManyRequestsError } from '../../../rate-limit/rate-limit.error.js';
import { RateLimits } from '../../../rate-limit/rate-limits.js';
import { READ_MODELS } from '../../../runtime.tokens.js';
import { permissionDenied } from '../mt4-errors.js';
import { Mt4ExceptionFilter } from '../mt4-exception.filter.js';
import { mt4Body } from '../mt4-validation.js';
import { Mt4ErrorDto, Mt4SignInDto, Mt4SignInResponseDto } from './mt4-sign-in.dto.js';

@ApiTags('MT4 manager')
@Controller('sign')
@UseFilters(Mt4ExceptionFilter)
export class Mt4SignInController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    private readonly limits: RateLimits,
  ) {}

  /** `login` is an account's id and `password` its owner's: the session is the owner's (access type user). */
  @Post('in')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in with an account login and its owner’s password',
    description: 'Answers the session JWT (access type user, bound to the login’s owner). Send it as `Authorization: <token>` to /trade/open.',
  })
  @ApiBody({ type: Mt4SignInDto, examples: { login: { value: { login: 1001, password: 'correct-horse-1' } } } })
  @ApiResponse({ status: 200, type: Mt4SignInResponseDto })
  @ApiResponse({ status: 400, type: Mt4ErrorDto, description: 'INVALID_DATA' })
  @ApiResponse({ status: 401, type: Mt4ErrorDto, description: 'PERMISSION_DENIED: unknown login or wrong password (same answer for both)' })
  @ApiResponse({ status: 429, description: 'Too many failed sign-ins for this login’s owner or from this IP', schema: { example: { error: 'TOO_MANY_REQUESTS', message: 'Too many failed sign-ins: wait before trying again' } } })
  async signIn(
    @Body(mt4Body()) body: Mt4SignInDto,
    @Ip() ip: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: { token: string } }> {
    const account = await this.readModels.account(body.login);
    const owner = account && (await this.readModels.user(account.userId));
    // Password guessing is slowed per account owner (shared with /api/v1 sign-in: the same email) and per IP.
    const key = owner?.email ?? `login:${body.login}`;
    const blocked = this.limits.signinBlocked(key, ip);
    if (blocked > 0) {
      const error = new TooManyRequestsError(blocked, 'Too many failed sign-ins: wait before trying again');
      void reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
    // Same answer whether the login or the password is wrong: nothing to learn about which logins exist.
    if (!owner || !(await verifyPassword(owner.passwordHash, body.password))) {
      this.limits.recordFailedSignin(key, ip);
      throw permissionDenied('Invalid login or password');
    }
    return { data: { token: this.tokens.issue({ userId: owner.userId, access: 'user' }) } };
  }
}
