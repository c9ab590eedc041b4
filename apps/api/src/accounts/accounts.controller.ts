import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { CredentialsGuard } from '../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../auth/principal.js';
import { badRequest, notFound } from '../common/api-errors.js';
import { EngineGateway } from '../common/engine-gateway.service.js';
import { apiV1Body } from '../common/validation.js';
import { AccountsService, type AccountSummary } from './accounts.service.js';
import { OpenAccountDto } from './open-account.dto.js';
import { ApiV1, GetAccountDocs, ListAccountsDocs, OpenAccountDocs } from '../openapi/v1-docs.js';

@ApiV1('Users and accounts')
@Controller('api/v1/accounts')
@UseGuards(CredentialsGuard)
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly gateway: EngineGateway,
  ) {}

  @ListAccountsDocs()
  @Get()
  async list(@CurrentUser() user: Principal): Promise<{ accounts: AccountSummary[] }> {
    const accounts = await this.accounts.list(user);
    return { accounts: await Promise.all(accounts.map((a) => this.accounts.summary(a))) };
  }

  @OpenAccountDocs()
  @Post()
  @HttpCode(HttpStatus.CREATED)
  async open(@CurrentUser() user: Principal, @Body(apiV1Body()) body: OpenAccountDto): Promise<AccountSummary> {
    const commandId = this.gateway.newCommandId();
    const { outcome } = await this.gateway.execute(
      { type: 'OpenAccount', commandId, userId: user.userId, name: body.name ?? null, leverage: body.leverage ?? null },
      commandId,
    );
    if (outcome.code !== 'TRADE_RETCODE_DONE' || outcome.accountId === undefined) {
      throw badRequest(outcome.reason ?? outcome.message, outcome.code);
    }
    return this.accounts.summary(await this.accounts.resolve(user, outcome.accountId));
  }

  @GetAccountDocs()
  @Get(':accountId')
  async get(@CurrentUser() user: Principal, @Param('accountId') accountId: string): Promise<AccountSummary> {
    if (!/^\d+$/.test(accountId)) throw notFound('Account');
    return this.accounts.summary(await this.accounts.resolve(user, accountId));
  }
}
