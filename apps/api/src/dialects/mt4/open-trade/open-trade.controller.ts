import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { Mt4ErrorDto } from '../sign-in/mt4-sign-in.dto.js';
import { Mt4ExceptionFilter } from '../mt4-exception.filter.js';
import { Mt4SessionGuard } from '../mt4-session.guard.js';
import { mt4Body } from '../mt4-validation.js';
import { OpenTradeDto, OpenTradeResponseDto } from './open-trade.dto.js';
import { OpenTradeService } from './open-trade.service.js';

/** Seed 001's request example, as the seed sends it. */
export const SEED_001_OPEN_TRADE = {
  login: 1001,
  cmd: 0,
  volume: 100,
  symbol: 'EURUSD',
  sl: 1.085,
  tp: 1.1,
  open_price: 1.09,
  comment: 'Scalping order',
};

@ApiTags('MT4 manager')
@ApiSecurity('mt4-session')
@Controller('trade')
@UseGuards(Mt4SessionGuard)
@UseFilters(Mt4ExceptionFilter)
export class OpenTradeController {
  constructor(private readonly trades: OpenTradeService) {}

  @Post('open')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'OpenTrade: a market (cmd 0–1) or pending (cmd 2–5) order on a login',
    description:
      'Authorization: the raw session JWT (`Authorization: <jwt>`; `Bearer <jwt>` also works). A user session trades only its own logins; ' +
      'a manager session (POST /api/v1/admin/managers, then /api/v1/user/signin) any login of its groups. Volume is in 1/100 lots; ' +
      'sl/tp 0 mean none; a market order fills at the current price (open_price is only the entry of a pending order); ' +
      'expiration (epoch seconds) makes a pending order expire then, else it is good-till-cancelled.',
  })
  @ApiBody({
    type: OpenTradeDto,
    examples: {
      seed001: { summary: 'Seed 001: BUY 1 lot EURUSD', value: SEED_001_OPEN_TRADE },
      buyLimit: { summary: 'BUY_LIMIT 0.5 lot EURUSD, expiring', value: { login: 1001, cmd: 2, volume: 50, symbol: 'EURUSD', sl: 0, tp: 0, open_price: 1.08, expiration: 1772620200 } },
    },
  })
  @ApiResponse({ status: 200, type: OpenTradeResponseDto, description: 'Seed 001: { "data": "OK" }, plus the new ticket' })
  @ApiResponse({ status: 400, type: Mt4ErrorDto, description: 'INVALID_DATA: validation failed, missing or incorrect request fields' })
  @ApiResponse({ status: 401, type: Mt4ErrorDto, description: 'PERMISSION_DENIED: invalid session, wrong access type, or a login the session may not trade' })
  @ApiResponse({ status: 403, type: Mt4ErrorDto, description: 'USER_NOT_FOUND: the login does not exist' })
  @ApiResponse({ status: 404, type: Mt4ErrorDto, description: 'GROUP_NOT_FOUND: the login’s group is not defined' })
  @ApiResponse({
    status: 500,
    description: 'OPEN_ORDER_ERROR: the engine refused the trade; the message holds its result code and reason',
    schema: { example: { error: 'OPEN_ORDER_ERROR', message: 'TRADE_RETCODE_NO_MONEY (10019) [NO_MONEY]: There is not enough money to complete the request: NO_MONEY' } },
  })
  async open(@CurrentUser() principal: Principal, @Body(mt4Body()) body: OpenTradeDto, @Req() request: { id?: string }) {
    const order = await this.trades.open(principal, body, request.id ?? randomUUID(), Date.now());
    return { data: 'OK' as const, order };
  }
}
