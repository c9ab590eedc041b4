import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CredentialsGuard } from '../../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { clientKey, hasIdempotencyKey, runWithIdempotency } from '../../../idempotency/request-context.js';
import { MetaApiAccounts } from '../common/metaapi-accounts.js';
import { MetaApiExceptionFilter } from '../common/metaapi-exception.filter.js';
import { parseTradeRequest } from './parse-trade-request.js';
import { ACTION_TYPES } from './trade-request.dto.js';
import { TRADE_REQUEST_EXAMPLES, TRADE_REQUEST_SCHEMA } from './trade-request.schema.js';
import { MetaApiTradeService } from './trade.service.js';
import type { TradeResponse } from './trade-response.js';

@ApiTags('MetaApi')
@ApiHeader({ name: 'auth-token', required: true, description: 'JWT from /api/v1/user/signin (Authorization: Bearer also works)' })
@Controller('users/current/accounts/:accountId')
@UseGuards(CredentialsGuard)
@UseFilters(MetaApiExceptionFilter)
export class MetaApiTradeController {
  constructor(
    private readonly accounts: MetaApiAccounts,
    private readonly trades: MetaApiTradeService,
  ) {}

  /**
   * Seed 004: executes a trade. Every outcome is a 200 MetatraderTradeResponse with MetaTrader 5's
   * result code, rejections included; 400 invalid payload, 401, 404 unknown or foreign account.
   */
  @ApiOperation({ summary: 'Executes a trade (MetatraderTrade): market, pending, modify, close, cancel' })
  @ApiBody({ description: `MetatraderTrade; actionType one of ${ACTION_TYPES.join(', ')}`, schema: TRADE_REQUEST_SCHEMA, examples: TRADE_REQUEST_EXAMPLES })
  @ApiResponse({ status: 200, description: 'Trade outcome {numericCode, stringCode, message, orderId?, positionId?}' })
  @ApiResponse({ status: 400, description: 'ValidationError {id, error, message, details}' })
  @ApiResponse({ status: 401, description: 'UnauthorizedError' })
  @ApiResponse({ status: 404, description: 'NotFoundError: no such account of the caller' })
  @ApiResponse({ status: 504, description: 'TimeoutError: the engine never answered; outcome unknown' })
  @Post('trade')
  @HttpCode(HttpStatus.OK)
  async trade(
    @CurrentUser() user: Principal,
    @Param('accountId') accountId: string,
    @Body() body: unknown,
    @Req() request: { id?: string },
  ): Promise<TradeResponse> {
    const receivedAt = Date.now();
    // The account first, then the payload: another user's account is a 404 whatever the body says.
    const account = await this.accounts.resolve(user, accountId);
    const trade = parseTradeRequest(body);
    const context = { principal: user, account, receivedAt, correlationId: request.id ?? randomUUID() };
    // MetaApi's clientId is the client's own id of the trade: without an Idempotency-Key header it is the
    // key. A retry with the same clientId (same user, account and action) carries the same command id, so
    // the engine applies it once and answers every copy with the first outcome, also after a restart.
    const clientId = (trade as { clientId?: string }).clientId;
    if (clientId !== undefined && clientId !== '' && !hasIdempotencyKey()) {
      const target = (trade as { positionId?: string; orderId?: string }).positionId ?? (trade as { orderId?: string }).orderId ?? '';
      const key = clientKey(user.userId, account.accountId, trade.actionType, target, clientId);
      return runWithIdempotency(key, () => this.trades.trade(trade, context));
    }
    return this.trades.trade(trade, context);
  }
}
