import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { PriceBoard } from '../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import { AccountsService } from '../../accounts/accounts.service.js';
import { CredentialsGuard } from '../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../auth/principal.js';
import { PRICES, READ_MODELS } from '../../runtime.tokens.js';
import { openOrderRow } from '../order-rows.js';
import { ApiV1, ListOpenOrdersDocs } from '../../openapi/v1-docs.js';

@ApiV1('Trading (/api/v1)')
@Controller('api/v1/trade')
@UseGuards(CredentialsGuard)
export class ListOpenOrdersController {
  constructor(
    private readonly accounts: AccountsService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  /** Seed 002: open positions with live price and floating profit. */
  @ListOpenOrdersDocs()
  @Get(['open', 'orders'])
  async list(@CurrentUser() user: Principal, @Query('accountId') accountId?: string, @Query('clientId') clientId?: string) {
    const account = await this.accounts.resolve(user, accountId);
    const orders = await this.readModels.openOrders(account.accountId);
    // `clientId` finds the order a client tagged, e.g. to learn the fate of a request that timed out.
    const wanted = clientId === undefined ? orders : orders.filter((o) => o.clientId === clientId);
    return { message: wanted.map((order) => openOrderRow(order, this.prices)) };
  }
}
