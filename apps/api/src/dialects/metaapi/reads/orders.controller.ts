import { Controller, Get, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PriceBoard } from '../../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import { parseId } from '../../../accounts/accounts.service.js';
import { CredentialsGuard } from '../../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { PRICES, READ_MODELS } from '../../../runtime.tokens.js';
import { MetaApiAccounts } from '../common/metaapi-accounts.js';
import { notFound } from '../common/metaapi-error.js';
import { MetaApiExceptionFilter } from '../common/metaapi-exception.filter.js';
import { pendingOrder } from './metaapi-models.js';

@ApiTags('MetaApi')
@ApiHeader({ name: 'auth-token', required: true })
@Controller('users/current/accounts/:accountId')
@UseGuards(CredentialsGuard)
@UseFilters(MetaApiExceptionFilter)
export class MetaApiOrdersController {
  constructor(
    private readonly accounts: MetaApiAccounts,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  @ApiOperation({ summary: 'Pending orders (MetatraderOrder[], ORDER_STATE_PLACED), oldest first' })
  @Get('orders')
  async list(@CurrentUser() user: Principal, @Param('accountId') accountId: string) {
    const account = await this.accounts.resolve(user, accountId);
    return (await this.readModels.pendingOrders(account.accountId)).map((order) => pendingOrder(order, this.prices));
  }

  @ApiOperation({ summary: 'One pending order (MetatraderOrder); 404 when it is not pending on this account' })
  @Get('orders/:orderId')
  async get(@CurrentUser() user: Principal, @Param('accountId') accountId: string, @Param('orderId') orderIdText: string) {
    const account = await this.accounts.resolve(user, accountId);
    const orderId = parseId(orderIdText);
    const order = orderId === undefined ? undefined : await this.readModels.pendingOrder(orderId);
    if (!order || order.accountId !== account.accountId) throw notFound(`Order ${orderIdText.slice(0, 40)} not found`);
    return pendingOrder(order, this.prices);
  }
}
