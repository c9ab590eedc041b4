import { Controller, Get, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '../../../accounts/accounts.service.js';
import { CredentialsGuard } from '../../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { MetaApiAccounts } from '../common/metaapi-accounts.js';
import { MetaApiExceptionFilter } from '../common/metaapi-exception.filter.js';
import { accountInformation } from './metaapi-models.js';

@ApiTags('MetaApi')
@ApiHeader({ name: 'auth-token', required: true })
@Controller('users/current/accounts/:accountId')
@UseGuards(CredentialsGuard)
@UseFilters(MetaApiExceptionFilter)
export class MetaApiAccountInformationController {
  constructor(
    private readonly accounts: MetaApiAccounts,
    private readonly summaries: AccountsService,
  ) {}

  @ApiOperation({ summary: 'MetatraderAccountInformation: balance, equity, margin, free margin, leverage, margin level' })
  @Get('account-information')
  async get(@CurrentUser() user: Principal, @Param('accountId') accountId: string) {
    const account = await this.accounts.resolve(user, accountId);
    return accountInformation(await this.summaries.summary(account));
  }
}
