import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { HummingbotBasicGuard } from '../hummingbot-auth.guard.js';
import { HummingbotExceptionFilter } from '../hummingbot-exception.filter.js';
import { HummingbotValidationPipe } from '../hummingbot-validation.js';
import { DETAIL_EXAMPLES } from '../hummingbot-docs.js';
import { PlaceTradeDto, TradeResponseDto } from './place-trade.dto.js';
import { PlaceTradeService } from './place-trade.service.js';

/** Seed 003's request example, as the seed sends it (placeholders filled for this service). */
export const SEED_003_PLACE_TRADE = {
  account_name: 'Main',
  connector_name: 'tradestream',
  trading_pair: 'BTC-USD',
  trade_type: 'BUY',
  amount: 1,
  order_type: 'LIMIT',
  price: 123,
  position_action: 'OPEN',
};

@ApiTags('Hummingbot')
@ApiBasicAuth('basic')
@ApiExtraModels(TradeResponseDto)
@Controller('trading')
@UseGuards(HummingbotBasicGuard)
@UseFilters(HummingbotExceptionFilter)
export class PlaceTradeController {
  constructor(private readonly trades: PlaceTradeService) {}

  @Post('orders')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Place Trade',
    description:
      'Place a buy or sell order using one of your accounts (by name) and the `tradestream` connector. `amount` is in base units ' +
      '(converted to lots by the contract size: 1 BTC, 100000 EUR, 100 XAU per lot). MARKET fills now; LIMIT rests as a limit order until ' +
      'the market reaches its price (one already marketable fills at once, never beyond its price); LIMIT_MAKER is rejected if it would ' +
      'fill at once. position_action CLOSE reduces the pair’s open positions of the opposite side by `amount`, oldest first (MARKET, or a ' +
      'marketable LIMIT). Answered once the order is in the engine and the read models show it.',
  })
  @ApiBody({
    type: PlaceTradeDto,
    examples: {
      seed003: { summary: 'Seed 003: LIMIT BUY 1 BTC at 123 (rests: far below the market)', value: SEED_003_PLACE_TRADE },
      market: {
        summary: 'MARKET BUY 0.5 BTC',
        value: { account_name: 'Main', connector_name: 'tradestream', trading_pair: 'BTC-USD', trade_type: 'BUY', amount: 0.5, order_type: 'MARKET', position_action: 'OPEN' },
      },
      close: {
        summary: 'CLOSE: SELL 0.2 BTC of the open BUY positions',
        value: { account_name: 'Main', connector_name: 'tradestream', trading_pair: 'BTC-USD', trade_type: 'SELL', amount: 0.2, order_type: 'MARKET', position_action: 'CLOSE' },
      },
    },
  })
  @ApiResponse({
    status: 201,
    description: 'Successful Response',
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(TradeResponseDto) },
        example: {
          order_id: '1000001',
          account_name: 'Main',
          connector_name: 'tradestream',
          trading_pair: 'BTC-USD',
          trade_type: 'BUY',
          amount: '1',
          order_type: 'LIMIT',
          price: '123.00',
          status: 'submitted',
        },
      },
    },
  })
  @ApiResponse({ status: 400, description: 'The engine refused the trade (result code and reason in `detail`)', content: { 'application/json': { example: DETAIL_EXAMPLES.rejected } } })
  @ApiResponse({ status: 401, description: 'Missing or bad Basic credentials', content: { 'application/json': { example: DETAIL_EXAMPLES.unauthorized } } })
  @ApiResponse({ status: 404, description: 'Unknown account name or connector', content: { 'application/json': { example: DETAIL_EXAMPLES.accountNotFound } } })
  @ApiResponse({ status: 422, description: 'Validation Error', content: { 'application/json': { example: DETAIL_EXAMPLES.validation } } })
  async place(@CurrentUser() principal: Principal, @Body(new HummingbotValidationPipe()) body: PlaceTradeDto, @Req() request: { id?: string }): Promise<TradeResponseDto> {
    return this.trades.place(principal, body, request.id ?? randomUUID(), Date.now());
  }
}
