import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import { AccountsService } from '../../accounts/accounts.service.js';
import { CredentialsGuard } from '../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../auth/principal.js';
import { READ_MODELS } from '../../runtime.tokens.js';
import { closedOrderRow } from '../order-rows.js';
import { ApiV1, ListClosedOrdersDocs } from '../../openapi/v1-docs.js';

@ApiV1('Trading (/api/v1)')
@Controller('api/v1/trade')
@UseGuards(CredentialsGuard)
export class ListClosedOrdersController {
  constructor(
    private readonly accounts: AccountsService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  /** Closed history, newest first; a partial close is its own row under the position's id. */
  @ListClosedOrdersDocs()
  @Get(['closed', 'close'])
  async list(@CurrentUser() user: Principal, @Query('accountId') accountId?: string) {
    const account = await this.accounts.resolve(user, accountId);
    const orders = await this.readModels.closedOrders(account.accountId);
    return { message: orders.map(closedOrderRow) };
  }
}
