import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { findInstrument, parseFixed } from '../../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView, PendingOrderView } from '../../../../../../libs/read-models/src/views.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { READ_MODELS } from '../../../runtime.tokens.js';
import { HummingbotAccountsService } from '../hummingbot-accounts.service.js';
import { HummingbotBasicGuard } from '../hummingbot-auth.guard.js';
import { DETAIL_EXAMPLES } from '../hummingbot-docs.js';
import { HummingbotExceptionFilter } from '../hummingbot-exception.filter.js';
import { HummingbotValidationPipe } from '../hummingbot-validation.js';
import { filterOfBody, filterOfQuery, ListFilterDto, paginate, type ListFilter, type Page } from '../list-filter.js';
import { amountText, baseOf, CONNECTOR_NAME, pairOf, priceText } from '../trading-pairs.js';

/** hummingbot-api's standardized in-flight order, amounts and prices as decimal strings. */
export interface ActiveOrderRow {
  order_id: string;
  account_name: string;
  connector_name: string;
  trading_pair: string;
  trade_type: 'BUY' | 'SELL';
  /** LIMIT for a limit order; STOP or STOP_LIMIT for the stop orders other dialects place. */
  order_type: string;
  amount: string;
  price: string;
  status: 'OPEN';
  filled_amount: string;
  average_fill_price: null;
  fee_paid: null;
  fee_currency: null;
  created_at: string;
  updated_at: string;
  exchange_order_id: string;
  error_message: null;
  /** When the order expires (ISO-8601), null for good-till-cancelled. */
  expires_at: string | null;
}

const ORDER_EXAMPLE: ActiveOrderRow = {
  order_id: '1000002',
  account_name: 'Main',
  connector_name: 'tradestream',
  trading_pair: 'BTC-USD',
  trade_type: 'BUY',
  order_type: 'LIMIT',
  amount: '1',
  price: '123.00',
  status: 'OPEN',
  filled_amount: '0',
  average_fill_price: null,
  fee_paid: null,
  fee_currency: null,
  created_at: '2026-03-03T10:30:00.000Z',
  updated_at: '2026-03-03T10:30:00.000Z',
  exchange_order_id: '1000002',
  error_message: null,
  expires_at: null,
};

const kindOf = (orderType: string) => orderType.replace(/^(BUY|SELL)_/, '');

/** hummingbot-api's active orders (`POST /trading/orders/active` with a filter body; `GET` with the same filter as query). */
@ApiTags('Hummingbot')
@ApiBasicAuth('basic')
@Controller('trading')
@UseGuards(HummingbotBasicGuard)
@UseFilters(HummingbotExceptionFilter)
export class HummingbotActiveOrdersController {
  constructor(
    @Inject(HummingbotAccountsService) private readonly accounts: HummingbotAccountsService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  @Get('orders/active')
  @ApiOperation({ summary: 'Get Active Orders (query filter)', description: 'Your resting (pending) orders, oldest first.' })
  @ApiQuery({ name: 'account_names', required: false, description: 'Comma-separated account names' })
  @ApiQuery({ name: 'connector_names', required: false })
  @ApiQuery({ name: 'trading_pairs', required: false, example: 'BTC-USD' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiResponse({ status: 200, content: { 'application/json': { example: { data: [ORDER_EXAMPLE], pagination: { limit: 100, has_more: false, next_cursor: null, total_count: 1 } } } } })
  @ApiResponse({ status: 401, content: { 'application/json': { example: DETAIL_EXAMPLES.unauthorized } } })
  async get(@CurrentUser() principal: Principal, @Query() query: Record<string, string | string[] | undefined>): Promise<Page<ActiveOrderRow>> {
    return this.list(principal, filterOfQuery(query));
  }

  @Post('orders/active')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Get Active Orders', description: 'hummingbot-api’s form: an ActiveOrderFilterRequest body, a paginated answer.' })
  @ApiBody({ type: ListFilterDto, examples: { all: { value: {} }, btc: { value: { account_names: ['Main'], trading_pairs: ['BTC-USD'] } } } })
  @ApiResponse({ status: 200, content: { 'application/json': { example: { data: [ORDER_EXAMPLE], pagination: { limit: 100, has_more: false, next_cursor: null, total_count: 1 } } } } })
  @ApiResponse({ status: 401, content: { 'application/json': { example: DETAIL_EXAMPLES.unauthorized } } })
  @ApiResponse({ status: 422, content: { 'application/json': { example: DETAIL_EXAMPLES.validation } } })
  async post(@CurrentUser() principal: Principal, @Body(new HummingbotValidationPipe()) body: ListFilterDto): Promise<Page<ActiveOrderRow>> {
    return this.list(principal, filterOfBody(body));
  }

  private async list(principal: Principal, filter: ListFilter): Promise<Page<ActiveOrderRow>> {
    if (filter.connectorNames && !filter.connectorNames.includes(CONNECTOR_NAME)) return paginate([], (r: ActiveOrderRow) => r.order_id, filter);
    const accounts = (await this.accounts.all(principal)).filter((a) => !filter.accountNames || filter.accountNames.includes(a.name));
    const rows: ActiveOrderRow[] = [];
    for (const account of accounts) {
      for (const order of await this.readModels.pendingOrders(account.accountId)) {
        const row = rowOf(account, order);
        if (!filter.tradingPairs || filter.tradingPairs.includes(row.trading_pair)) rows.push(row);
      }
    }
    return paginate(rows, (r) => r.order_id, filter);
  }
}

function rowOf(account: AccountView, order: PendingOrderView): ActiveOrderRow {
  const instrument = findInstrument(order.symbol)!;
  return {
    order_id: String(order.orderId),
    account_name: account.name,
    connector_name: CONNECTOR_NAME,
    trading_pair: pairOf(instrument),
    trade_type: order.side,
    order_type: kindOf(order.orderType),
    amount: amountText(baseOf(parseFixed(order.volume), instrument)),
    price: priceText(instrument, order.price),
    status: 'OPEN',
    filled_amount: '0',
    average_fill_price: null,
    fee_paid: null,
    fee_currency: null,
    created_at: order.placedAt,
    updated_at: order.placedAt,
    exchange_order_id: String(order.orderId),
    error_message: null,
    expires_at: order.expiration.at,
  };
}
