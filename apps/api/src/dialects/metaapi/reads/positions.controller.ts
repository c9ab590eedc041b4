import { Controller, Get, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PriceBoard } from '../../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import type { OpenOrderView } from '../../../../../../libs/read-models/src/views.js';
import { parseId } from '../../../accounts/accounts.service.js';
import { CredentialsGuard } from '../../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { PRICES, READ_MODELS } from '../../../runtime.tokens.js';
import { MetaApiAccounts } from '../common/metaapi-accounts.js';
import { notFound } from '../common/metaapi-error.js';
import { MetaApiExceptionFilter } from '../common/metaapi-exception.filter.js';
import { position } from './metaapi-models.js';

@ApiTags('MetaApi')
@ApiHeader({ name: 'auth-token', required: true })
@Controller('users/current/accounts/:accountId')
@UseGuards(CredentialsGuard)
@UseFilters(MetaApiExceptionFilter)
export class MetaApiPositionsController {
  constructor(
    private readonly accounts: MetaApiAccounts,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  @ApiOperation({ summary: 'Open positions (MetatraderPosition[]), priced live' })
  @Get('positions')
  async list(@CurrentUser() user: Principal, @Param('accountId') accountId: string) {
    const account = await this.accounts.resolve(user, accountId);
    const orders = await this.readModels.openOrders(account.accountId);
    return Promise.all(orders.map((order) => this.render(order)));
  }

  @ApiOperation({ summary: 'One open position (MetatraderPosition); 404 when it is not open on this account' })
  @Get('positions/:positionId')
  async get(@CurrentUser() user: Principal, @Param('accountId') accountId: string, @Param('positionId') positionIdText: string) {
    const account = await this.accounts.resolve(user, accountId);
    const positionId = parseId(positionIdText);
    const order = positionId === undefined ? undefined : await this.readModels.openOrder(positionId);
    if (!order || order.accountId !== account.accountId) throw notFound(`Position ${positionIdText.slice(0, 40)} not found`);
    return this.render(order);
  }

  private async render(order: OpenOrderView) {
    return position(order, await this.readModels.positionDeals(order.orderId), this.prices);
  }
}
