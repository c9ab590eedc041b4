import { Controller, HttpCode, HttpStatus, Inject, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import { parseId } from '../../../accounts/accounts.service.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { EngineGateway } from '../../../common/engine-gateway.service.js';
import { READ_MODELS } from '../../../runtime.tokens.js';
import { HummingbotAccountsService } from '../hummingbot-accounts.service.js';
import { HummingbotBasicGuard } from '../hummingbot-auth.guard.js';
import { DETAIL_EXAMPLES } from '../hummingbot-docs.js';
import { hbBadRequest, hbNotFound } from '../hummingbot-errors.js';
import { HummingbotExceptionFilter } from '../hummingbot-exception.filter.js';
import { rejection } from '../place-trade/place-trade.service.js';

/** hummingbot-api's Cancel Order: by the client order id (here the order's ticket). */
@ApiTags('Hummingbot')
@ApiBasicAuth('basic')
@Controller('trading')
@UseGuards(HummingbotBasicGuard)
@UseFilters(HummingbotExceptionFilter)
export class HummingbotCancelOrderController {
  constructor(
    private readonly gateway: EngineGateway,
    @Inject(HummingbotAccountsService) private readonly accounts: HummingbotAccountsService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  @Post(':account_name/:connector_name/orders/:client_order_id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel Order', description: 'Cancels a resting order of the named account. Answered once the read models no longer list it.' })
  @ApiParam({ name: 'account_name', example: 'Main' })
  @ApiParam({ name: 'connector_name', example: 'tradestream' })
  @ApiParam({ name: 'client_order_id', example: '1000002', description: 'The `order_id` Place Trade answered' })
  @ApiResponse({ status: 200, content: { 'application/json': { example: { message: 'Order cancellation initiated for 1000002' } } } })
  @ApiResponse({ status: 401, content: { 'application/json': { example: DETAIL_EXAMPLES.unauthorized } } })
  @ApiResponse({ status: 404, description: 'Unknown account, connector or order (another user’s order is unknown)', content: { 'application/json': { example: DETAIL_EXAMPLES.orderNotFound } } })
  async cancel(
    @CurrentUser() principal: Principal,
    @Param('account_name') accountName: string,
    @Param('connector_name') connectorName: string,
    @Param('client_order_id') clientOrderId: string,
    @Req() request: { id?: string },
  ): Promise<{ message: string }> {
    const account = await this.accounts.resolve(principal, accountName, connectorName);
    const orderId = parseId(clientOrderId);
    const order = orderId === undefined ? undefined : await this.readModels.pendingOrder(orderId);
    if (orderId === undefined || !order || order.accountId !== account.accountId) throw hbNotFound(`Order ${clientOrderId} not found`);
    const { outcome } = await this.gateway.execute(
      { type: 'CancelOrder', commandId: this.gateway.newCommandId(), userId: principal.userId, accountId: account.accountId, orderId, deadline: this.gateway.deadline() },
      request.id ?? randomUUID(),
    );
    if (outcome.reason === 'ORDER_NOT_FOUND') throw hbNotFound(`Order ${clientOrderId} not found`);
    if (outcome.code !== 'TRADE_RETCODE_DONE') throw hbBadRequest(rejection(outcome));
    return { message: `Order cancellation initiated for ${orderId}` };
  }
}
