import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { closePriceFor, findInstrument, floatingProfit, parseFixed, type PriceBoard } from '../../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView, OpenOrderView } from '../../../../../../libs/read-models/src/views.js';
import { exposureOf } from '../../../accounts/accounts.service.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { PRICES, READ_MODELS } from '../../../runtime.tokens.js';
import { HummingbotAccountsService } from '../hummingbot-accounts.service.js';
import { DETAIL_EXAMPLES } from '../hummingbot-docs.js';
import { HummingbotBasicGuard } from '../hummingbot-auth.guard.js';
import { HummingbotExceptionFilter } from '../hummingbot-exception.filter.js';
import { HummingbotValidationPipe } from '../hummingbot-validation.js';
import { filterOfBody, filterOfQuery, ListFilterDto, paginate, type ListFilter, type Page } from '../list-filter.js';
import { amountText, baseOf, CONNECTOR_NAME, moneyText, pairOf, priceText } from '../trading-pairs.js';

export interface PositionRow {
  account_name: string;
  connector_name: string;
  trading_pair: string;
  position_id: string;
  /** LONG or SHORT, as Hummingbot's position side. */
  side: 'LONG' | 'SHORT';
  trade_type: 'BUY' | 'SELL';
  amount: string;
  entry_price: string;
  mark_price: string | null;
  unrealized_pnl: string | null;
  leverage: number;
  margin: string;
  take_profit: string | null;
  stop_loss: string | null;
  open_time: string;
}

const POSITION_EXAMPLE: PositionRow = {
  account_name: 'Main',
  connector_name: 'tradestream',
  trading_pair: 'BTC-USD',
  position_id: '1000001',
  side: 'LONG',
  trade_type: 'BUY',
  amount: '0.5',
  entry_price: '42000.00',
  mark_price: '42490.00',
  unrealized_pnl: '245.00',
  leverage: 100,
  margin: '210.00',
  take_profit: null,
  stop_loss: null,
  open_time: '2026-03-03T10:30:00.000Z',
};

/** hummingbot-api's positions (`POST /trading/positions` with a filter body; `GET` with the same filter as query). */
@ApiTags('Hummingbot')
@ApiBasicAuth('basic')
@Controller('trading')
@UseGuards(HummingbotBasicGuard)
@UseFilters(HummingbotExceptionFilter)
export class HummingbotPositionsController {
  constructor(
    @Inject(HummingbotAccountsService) private readonly accounts: HummingbotAccountsService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  @Get('positions')
  @ApiOperation({ summary: 'Get Positions (query filter)', description: 'Your open positions, one row per position, amounts in base units, with live mark price and unrealized PnL.' })
  @ApiQuery({ name: 'account_names', required: false, description: 'Comma-separated account names' })
  @ApiQuery({ name: 'connector_names', required: false })
  @ApiQuery({ name: 'trading_pairs', required: false, example: 'BTC-USD' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiResponse({ status: 200, content: { 'application/json': { example: { data: [POSITION_EXAMPLE], pagination: { limit: 100, has_more: false, next_cursor: null, total_count: 1 } } } } })
  @ApiResponse({ status: 401, content: { 'application/json': { example: DETAIL_EXAMPLES.unauthorized } } })
  async get(@CurrentUser() principal: Principal, @Query() query: Record<string, string | string[] | undefined>): Promise<Page<PositionRow>> {
    return this.list(principal, filterOfQuery(query));
  }

  @Post('positions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Get Positions', description: 'hummingbot-api’s form: a PositionFilterRequest body, a paginated answer.' })
  @ApiBody({ type: ListFilterDto, examples: { all: { value: {} }, btc: { value: { account_names: ['Main'], connector_names: ['tradestream'], trading_pairs: ['BTC-USD'], limit: 50 } } } })
  @ApiResponse({ status: 200, content: { 'application/json': { example: { data: [POSITION_EXAMPLE], pagination: { limit: 100, has_more: false, next_cursor: null, total_count: 1 } } } } })
  @ApiResponse({ status: 401, content: { 'application/json': { example: DETAIL_EXAMPLES.unauthorized } } })
  @ApiResponse({ status: 422, content: { 'application/json': { example: DETAIL_EXAMPLES.validation } } })
  async post(@CurrentUser() principal: Principal, @Body(new HummingbotValidationPipe()) body: ListFilterDto): Promise<Page<PositionRow>> {
    return this.list(principal, filterOfBody(body));
  }

  private async list(principal: Principal, filter: ListFilter): Promise<Page<PositionRow>> {
    if (filter.connectorNames && !filter.connectorNames.includes(CONNECTOR_NAME)) return paginate([], (r: PositionRow) => r.position_id, filter);
    const accounts = (await this.accounts.all(principal)).filter((a) => !filter.accountNames || filter.accountNames.includes(a.name));
    const rows: PositionRow[] = [];
    for (const account of accounts) {
      for (const order of await this.readModels.openOrders(account.accountId)) {
        const row = this.row(account, order);
        if (!filter.tradingPairs || filter.tradingPairs.includes(row.trading_pair)) rows.push(row);
      }
    }
    return paginate(rows, (r) => r.position_id, filter);
  }

  private row(account: AccountView, order: OpenOrderView): PositionRow {
    const instrument = findInstrument(order.symbol)!;
    const quote = this.prices.quote(order.symbol);
    const profit = quote ? floatingProfit(exposureOf(order), this.prices) : undefined;
    const level = (value: string | null) => (value === null ? null : priceText(instrument, value));
    return {
      account_name: account.name,
      connector_name: CONNECTOR_NAME,
      trading_pair: pairOf(instrument),
      position_id: String(order.orderId),
      side: order.side === 'BUY' ? 'LONG' : 'SHORT',
      trade_type: order.side,
      amount: amountText(baseOf(parseFixed(order.volume), instrument)),
      entry_price: priceText(instrument, order.openPrice),
      mark_price: quote ? priceText(instrument, closePriceFor(order.side, quote)) : null,
      unrealized_pnl: profit === undefined ? null : moneyText(profit),
      leverage: order.leverage,
      margin: moneyText(order.margin),
      take_profit: level(order.takeProfit),
      stop_loss: level(order.stopLoss),
      open_time: order.openTime,
    };
  }
}
