import {
  closePriceFor,
  findInstrument,
  floatingProfit,
  openPriceFor,
  parseFixed,
  ZERO,
  type ExpirationType,
  type MarketView,
  type PendingOrderType,
  type Side,
} from '../../../../../../libs/domain/src/index.js';
import type {
  DealView,
  HistoryOrderView,
  OpenOrderView,
  OrderFinalState,
  PendingOrderView,
} from '../../../../../../libs/read-models/src/views.js';
import { exposureOf, type AccountSummary } from '../../../accounts/accounts.service.js';
import { brokerTime, compact, money, optionalPrice, price, tickValue, volume } from '../common/metaapi-render.js';

/**
 * MetaApi's models (MetatraderAccountInformation, MetatraderPosition, MetatraderOrder,
 * MetatraderDeal, MetatraderSymbolPrice) from the read models: field names as MetaApi's, prices and
 * money as JSON numbers, ids as strings of digits, times ISO-8601 UTC. Every order reaches us through
 * an API, as an expert advisor's would: reasons are *_REASON_EXPERT unless a stop level closed it.
 * Account currency is the base currency: accountCurrencyExchangeRate is 1. There are no swaps.
 */

export const PLATFORM = 'mt5';
export const BROKER = 'Tradestream';
export const SERVER = 'Tradestream';

const ORDER_TYPE: Record<'MARKET' | PendingOrderType, (side: Side) => string> = {
  MARKET: (side) => (side === 'BUY' ? 'ORDER_TYPE_BUY' : 'ORDER_TYPE_SELL'),
  BUY_LIMIT: () => 'ORDER_TYPE_BUY_LIMIT',
  SELL_LIMIT: () => 'ORDER_TYPE_SELL_LIMIT',
  BUY_STOP: () => 'ORDER_TYPE_BUY_STOP',
  SELL_STOP: () => 'ORDER_TYPE_SELL_STOP',
  BUY_STOP_LIMIT: () => 'ORDER_TYPE_BUY_STOP_LIMIT',
  SELL_STOP_LIMIT: () => 'ORDER_TYPE_SELL_STOP_LIMIT',
};

const ORDER_STATE: Record<OrderFinalState, string> = {
  FILLED: 'ORDER_STATE_FILLED',
  CANCELED: 'ORDER_STATE_CANCELED',
  EXPIRED: 'ORDER_STATE_EXPIRED',
  REJECTED: 'ORDER_STATE_REJECTED',
};

const EXPIRATION_TYPE: Record<ExpirationType, string> = {
  GTC: 'ORDER_TIME_GTC',
  DAY: 'ORDER_TIME_DAY',
  SPECIFIED: 'ORDER_TIME_SPECIFIED',
  SPECIFIED_DAY: 'ORDER_TIME_SPECIFIED_DAY',
};

const DEAL_REASON: Record<DealView['reason'], string | undefined> = {
  OPEN: 'DEAL_REASON_EXPERT',
  MANUAL: 'DEAL_REASON_EXPERT',
  PARTIAL: 'DEAL_REASON_EXPERT',
  TAKE_PROFIT: 'DEAL_REASON_TP',
  STOP_LOSS: 'DEAL_REASON_SL',
  STOP_OUT: 'DEAL_REASON_SO',
  DEPOSIT: undefined,
  WITHDRAWAL: undefined,
  WRITE_OFF: undefined,
};

/** MetatraderAccountInformation. Accounts in the `demo` group are demo accounts, the others real. */
export function accountInformation(summary: AccountSummary) {
  return compact({
    platform: PLATFORM,
    type: summary.group === 'demo' ? 'ACCOUNT_TRADE_MODE_DEMO' : 'ACCOUNT_TRADE_MODE_REAL',
    broker: BROKER,
    currency: summary.currency,
    server: SERVER,
    balance: summary.balance,
    equity: summary.equity,
    margin: summary.margin,
    freeMargin: summary.freeMargin,
    leverage: summary.leverage,
    // MetaApi leaves the margin level out when no margin is in use.
    marginLevel: summary.margin > 0 ? summary.marginLevel : undefined,
    tradeAllowed: true,
    // Every position is its own ticket, as in hedging mode.
    marginMode: 'ACCOUNT_MARGIN_MODE_RETAIL_HEDGING',
    name: summary.name,
    login: summary.login,
    credit: 0,
    accountCurrencyExchangeRate: 1,
    currencyDigits: 2,
  });
}

/**
 * MetatraderPosition. `deals` are the position's deals (its opening deal carries the commission, its
 * partial closes their profit): realizedProfit is what they booked, profit adds the floating part.
 * Without a quote the live fields (currentPrice, profit, unrealizedProfit) are left out.
 */
export function position(order: OpenOrderView, deals: DealView[], market: MarketView) {
  const instrument = findInstrument(order.symbol);
  const quote = market.quote(order.symbol);
  const commission = -parseFixed(order.commission ?? '0');
  const booked = deals.reduce((sum, d) => sum + parseFixed(d.profit) + parseFixed(d.commission), ZERO);
  // A read model built before deals were recorded has none: the commission is all that was booked.
  const realized = deals.length > 0 ? booked : commission;
  const floating = quote && instrument ? floatingProfit(exposureOf(order), market) : undefined;
  const updated = deals.reduce((latest, d) => (d.time > latest ? d.time : latest), order.openTime);
  return compact({
    id: String(order.orderId),
    platform: PLATFORM,
    type: order.side === 'BUY' ? 'POSITION_TYPE_BUY' : 'POSITION_TYPE_SELL',
    symbol: order.symbol,
    magic: order.magic ?? 0,
    time: order.openTime,
    brokerTime: brokerTime(order.openTime),
    updateTime: updated,
    openPrice: price(order.symbol, order.openPrice),
    currentPrice: quote ? price(order.symbol, closePriceFor(order.side, quote)) : undefined,
    currentTickValue: instrument ? tickValue(instrument, market) : undefined,
    stopLoss: optionalPrice(order.symbol, order.stopLoss),
    takeProfit: optionalPrice(order.symbol, order.takeProfit),
    volume: volume(order.volume),
    swap: 0,
    profit: floating === undefined ? undefined : money(floating + realized),
    unrealizedProfit: floating === undefined ? undefined : money(floating),
    realizedProfit: money(realized),
    commission: money(commission),
    unrealizedCommission: 0,
    realizedCommission: money(commission),
    unrealizedSwap: 0,
    realizedSwap: 0,
    comment: order.comment ?? undefined,
    clientId: order.clientId ?? undefined,
    reason: 'POSITION_REASON_EXPERT',
    accountCurrencyExchangeRate: 1,
  });
}

/** MetatraderOrder of a pending order (ORDER_STATE_PLACED); currentPrice is the price it would open at now. */
export function pendingOrder(order: PendingOrderView, market: MarketView) {
  const quote = market.quote(order.symbol);
  return compact({
    id: String(order.orderId),
    platform: PLATFORM,
    type: ORDER_TYPE[order.orderType](order.side),
    state: 'ORDER_STATE_PLACED',
    magic: order.magic ?? 0,
    time: order.placedAt,
    brokerTime: brokerTime(order.placedAt),
    symbol: order.symbol,
    openPrice: price(order.symbol, order.price),
    currentPrice: quote ? price(order.symbol, openPriceFor(order.side, quote)) : undefined,
    stopLimitPrice: optionalPrice(order.symbol, order.stopLimitPrice),
    stopLoss: optionalPrice(order.symbol, order.stopLoss),
    takeProfit: optionalPrice(order.symbol, order.takeProfit),
    volume: volume(order.volume),
    currentVolume: volume(order.volume),
    comment: order.comment ?? undefined,
    clientId: order.clientId ?? undefined,
    reason: 'ORDER_REASON_EXPERT',
    fillingMode: 'ORDER_FILLING_RETURN',
    expirationType: EXPIRATION_TYPE[order.expiration.type],
    expirationTime: order.expiration.at ?? undefined,
    accountCurrencyExchangeRate: 1,
  });
}

/** MetatraderOrder of an order in the history: filled (with its position), cancelled, expired or rejected. */
export function historyOrder(order: HistoryOrderView) {
  const filled = order.state === 'FILLED';
  return compact({
    id: String(order.orderId),
    platform: PLATFORM,
    type: ORDER_TYPE[order.orderType](order.side),
    state: ORDER_STATE[order.state],
    magic: order.magic ?? 0,
    time: order.placedAt,
    brokerTime: brokerTime(order.placedAt),
    doneTime: order.doneAt,
    doneBrokerTime: brokerTime(order.doneAt),
    symbol: order.symbol,
    openPrice: price(order.symbol, order.price),
    currentPrice: order.fillPrice === null ? undefined : price(order.symbol, order.fillPrice),
    stopLimitPrice: optionalPrice(order.symbol, order.stopLimitPrice),
    stopLoss: optionalPrice(order.symbol, order.stopLoss),
    takeProfit: optionalPrice(order.symbol, order.takeProfit),
    volume: volume(order.volume),
    currentVolume: filled ? 0 : volume(order.volume),
    positionId: filled ? String(order.orderId) : undefined,
    comment: order.comment ?? undefined,
    clientId: order.clientId ?? undefined,
    reason: 'ORDER_REASON_EXPERT',
    // A market order fills its whole volume at once; a pending order rests until it fills whole.
    fillingMode: order.orderType === 'MARKET' ? 'ORDER_FILLING_FOK' : 'ORDER_FILLING_RETURN',
    expirationType: EXPIRATION_TYPE[order.expiration.type],
    expirationTime: order.expiration.at ?? undefined,
    accountCurrencyExchangeRate: 1,
  });
}

/** MetatraderDeal. */
export function deal(d: DealView) {
  const trade = d.kind !== 'BALANCE';
  return compact({
    id: String(d.dealId),
    platform: PLATFORM,
    type: d.kind === 'BALANCE' ? 'DEAL_TYPE_BALANCE' : d.kind === 'BUY' ? 'DEAL_TYPE_BUY' : 'DEAL_TYPE_SELL',
    entryType: d.entry === null ? undefined : d.entry === 'IN' ? 'DEAL_ENTRY_IN' : 'DEAL_ENTRY_OUT',
    symbol: d.symbol ?? undefined,
    magic: trade ? (d.magic ?? 0) : undefined,
    time: d.time,
    brokerTime: brokerTime(d.time),
    volume: d.volume === null ? undefined : volume(d.volume),
    price: d.price === null || d.symbol === null ? undefined : price(d.symbol, d.price),
    commission: money(d.commission),
    swap: 0,
    profit: money(d.profit),
    positionId: d.positionId === null ? undefined : String(d.positionId),
    orderId: d.orderId === null ? undefined : String(d.orderId),
    comment: d.comment ?? undefined,
    clientId: d.clientId ?? undefined,
    reason: DEAL_REASON[d.reason],
    stopLoss: d.symbol === null ? undefined : optionalPrice(d.symbol, d.stopLoss),
    takeProfit: d.symbol === null ? undefined : optionalPrice(d.symbol, d.takeProfit),
    accountCurrencyExchangeRate: 1,
  });
}
