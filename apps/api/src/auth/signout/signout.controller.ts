import { Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiError } from '../../common/api-errors.js';
import { ApiV1, SignoutDocs } from '../../openapi/v1-docs.js';
import { CredentialsGuard } from '../credentials.guard.js';
import { CurrentUser, type Principal } from '../principal.js';
import { TokenService } from '../token.service.js';

@ApiV1('Users and accounts')
@Controller('api/v1/user')
@UseGuards(CredentialsGuard)
export class SignoutController {
  constructor(private readonly tokens: TokenService) {}

  /**
   * Signs the token's session out: from now on the token answers 401 on every endpoint of every
   * dialect and API instance (the session is remembered until the token would have expired anyway).
   */
  @SignoutDocs()
  @Post('signout')
  @HttpCode(HttpStatus.OK)
  async signout(@CurrentUser() user: Principal): Promise<{ message: string }> {
    if (!user.sessionId) throw new ApiError(HttpStatus.BAD_REQUEST, 'HTTP Basic credentials have no session to sign out of: sign out with the token from /api/v1/user/signin');
    await this.tokens.revoke(user);
    return { message: 'Signed out' };
  }
}
