import { Controller, Get, Inject, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import { CredentialsGuard } from '../../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { READ_MODELS } from '../../../runtime.tokens.js';
import { MetaApiAccounts } from '../common/metaapi-accounts.js';
import { MetaApiExceptionFilter } from '../common/metaapi-exception.filter.js';
import { deal, historyOrder } from './metaapi-models.js';
import { page, timeRange } from './read-params.js';

@ApiTags('MetaApi')
@ApiHeader({ name: 'auth-token', required: true })
@Controller('users/current/accounts/:accountId')
@UseGuards(CredentialsGuard)
@UseFilters(MetaApiExceptionFilter)
export class MetaApiHistoryController {
  constructor(
    private readonly accounts: MetaApiAccounts,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  /** Orders that became final (filled, cancelled, expired, rejected) in [startTime, endTime), by the time they did. */
  @ApiOperation({ summary: 'History orders (MetatraderOrder[]) done in [startTime, endTime), oldest first' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @Get('history-orders/time/:startTime/:endTime')
  async orders(
    @CurrentUser() user: Principal,
    @Param('accountId') accountId: string,
    @Param('startTime') startTime: string,
    @Param('endTime') endTime: string,
    @Query('offset') offset?: string,
    @Query('limit') limit?: string,
  ) {
    const account = await this.accounts.resolve(user, accountId);
    const orders = await this.readModels.historyOrders(account.accountId, timeRange(startTime, endTime), page(offset, limit));
    return orders.map(historyOrder);
  }

  /** Deals made in [startTime, endTime): fills (IN), closes (OUT, partial ones too) and balance operations. */
  @ApiOperation({ summary: 'History deals (MetatraderDeal[]) made in [startTime, endTime), oldest first' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @Get('history-deals/time/:startTime/:endTime')
  async deals(
    @CurrentUser() user: Principal,
    @Param('accountId') accountId: string,
    @Param('startTime') startTime: string,
    @Param('endTime') endTime: string,
    @Query('offset') offset?: string,
    @Query('limit') limit?: string,
  ) {
    const account = await this.accounts.resolve(user, accountId);
    const deals = await this.readModels.deals(account.accountId, timeRange(startTime, endTime), page(offset, limit));
    return deals.map(deal);
  }
}
