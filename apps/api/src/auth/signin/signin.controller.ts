import { Body, Controller, HttpCode, HttpStatus, Inject, Ip, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import { ApiError } from '../../common/api-errors.js';
import { apiV1Body } from '../../common/validation.js';
import { RateLimits } from '../../rate-limit/rate-limits.js';
import { TooManyRequestsError } from '../../rate-limit/rate-limit.error.js';
import { READ_MODELS } from '../../runtime.tokens.js';
import { verifyPassword } from '../password-hasher.js';
import { TokenService } from '../token.service.js';
import { SigninDto } from './signin.dto.js';
import { ApiV1Public, SigninDocs } from '../../openapi/v1-docs.js';

@ApiV1Public('Users and accounts')
@Controller('api/v1/user')
export class SigninController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    private readonly limits: RateLimits,
  ) {}

  @SigninDocs()
  @Post('signin')
  @HttpCode(HttpStatus.OK)
  async signin(
    @Body(apiV1Body(['email', 'password'])) body: SigninDto,
    @Ip() ip: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ token: string }> {
    const email = body.email.trim().toLowerCase();
    // Password guessing is slowed per account and per IP; a blocked caller is not even checked.
    const blocked = this.limits.signinBlocked(email, ip);
    if (blocked > 0) throw this.tooMany(reply, blocked);
    const user = await this.readModels.userByEmail(email);
    // Same answer whether the email or the password is wrong: nothing to learn about who signed up.
    if (!user || !(await verifyPassword(user.passwordHash, body.password))) {
      this.limits.recordFailedSignin(email, ip);
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'Invalid email or password');
    }
    // A manager (created by the admin) signs in here too; its token carries the manager access type.
    return { token: this.tokens.issue({ userId: user.userId, access: user.role === 'manager' ? 'manager' : 'user' }) };
  }

  private tooMany(reply: FastifyReply, waitMs: number): TooManyRequestsError {
    const error = new TooManyRequestsError(waitMs, 'Too many failed sign-ins: wait before trying again');
    void reply.header('retry-after', String(error.retryAfterSeconds));
    return error;
  }
}
