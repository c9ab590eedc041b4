import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiError, badRequest } from '../../common/api-errors.js';
import { EngineGateway } from '../../common/engine-gateway.service.js';
import { apiV1Body } from '../../common/validation.js';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../../runtime.tokens.js';
import type { AppConfig } from '../../config/app-config.js';
import { hashPassword } from '../password-hasher.js';
import { SignupDto } from './signup.dto.js';
import { ApiV1Public, SignupDocs } from '../../openapi/v1-docs.js';

@ApiV1Public('Users and accounts')
@Controller('api/v1/user')
export class SignupController {
  constructor(
    private readonly gateway: EngineGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new user with one USD account in group `demo`, funded with DEMO_BALANCE. */
  @SignupDocs()
  @Post('signup')
  @HttpCode(HttpStatus.CREATED)
  async signup(@Body(apiV1Body(['email', 'password'])) body: SignupDto): Promise<{ userId: string; accountId: string }> {
    const commandId = this.gateway.newCommandId();
    const reply = await this.gateway.execute(
      {
        type: 'RegisterUser',
        commandId,
        email: body.email,
        passwordHash: await hashPassword(body.password),
        initialBalance: this.config.demoBalance,
      },
      commandId,
    );
    const { outcome } = reply;
    if (outcome.reason === 'EMAIL_TAKEN') throw new ApiError(HttpStatus.CONFLICT, 'Email is already registered');
    if (outcome.code !== 'TRADE_RETCODE_DONE') throw badRequest(outcome.message, outcome.code);
    return { userId: String(outcome.userId), accountId: String(outcome.accountId) };
  }
}
