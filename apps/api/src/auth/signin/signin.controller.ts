import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import { ApiError } from '../../common/api-errors.js';
import { apiV1Body } from '../../common/validation.js';
import { READ_MODELS } from '../../runtime.tokens.js';
import { verifyPassword } from '../password-hasher.js';
import { TokenService } from '../token.service.js';
import { SigninDto } from './signin.dto.js';

@Controller('api/v1/user')
export class SigninController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  @Post('signin')
  @HttpCode(HttpStatus.OK)
  async signin(@Body(apiV1Body(['email', 'password'])) body: SigninDto): Promise<{ token: string }> {
    const user = await this.readModels.userByEmail(body.email.trim().toLowerCase());
    // Same answer whether the email or the password is wrong: nothing to learn about who signed up.
    if (!user || !(await verifyPassword(user.passwordHash, body.password))) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'Invalid email or password');
    }
    return { token: this.tokens.issue({ userId: user.userId, access: 'user' }) };
  }
}
