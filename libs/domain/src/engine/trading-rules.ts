import { findInstrument } from '../instruments/instruments.catalog.js';
import type { Instrument } from '../instruments/instrument.js';
import { fixedToString, mul, roundMoney, type Fixed } from '../money/fixed.js';
import { accountMetrics, metricsOf, type OpenExposure } from '../pricing/account-metrics.js';
import { requiredMargin, type MarketView, type Quote, type Side } from '../pricing/pricing.js';
import type { ResultCode } from '../result-codes.js';
import { iso, openPositions, quoteUsed, validLevel, validVolume, type RejectReason } from './decision.js';
import { groupOf, type AccountState, type EngineState, type Group } from './engine.state.js';
import type { PendingOrderType, PositionOpened } from './events/index.js';

export type Refusal = { code: ResultCode; reason: RejectReason };

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;

/** MetaApi's rule: comment and client id together fit in 26 characters. */
export const MAX_CLIENT_TAG = 26;

export interface OrderTerms {
  instrument: Instrument;
  group: Group;
  volume: Fixed;
  leverage: number;
  takeProfit: Fixed | null;
  stopLoss: Fixed | null;
}

/** Checks what every new order shares: symbol, group permissions, volume, leverage, levels, tags. */
export function orderTerms(
  state: EngineState,
  account: AccountState,
  order: {
    symbol: string;
    side: Side;
    volume: string;
    leverage: number | null;
    takeProfit: string | null;
    stopLoss: string | null;
    clientId: string | null;
    comment: string | null;
  },
): OrderTerms | Refusal {
  const instrument = findInstrument(order.symbol);
  if (!instrument) return { code: 'TRADE_RETCODE_INVALID', reason: 'UNKNOWN_SYMBOL' };
  const group = groupOf(state, account);
  if (group.symbols && !group.symbols.has(instrument.symbol)) return { code: 'TRADE_RETCODE_TRADE_DISABLED', reason: 'SYMBOL_NOT_IN_GROUP' };
  if ((order.clientId?.length ?? 0) + (order.comment?.length ?? 0) > MAX_CLIENT_TAG) {
    return { code: 'TRADE_RETCODE_INVALID', reason: 'COMMENT_AND_CLIENT_ID_TOO_LONG' };
  }
  const volume = validVolume(order.volume, instrument);
  if (volume === undefined) return { code: 'TRADE_RETCODE_INVALID_VOLUME', reason: 'VOLUME_OUT_OF_RANGE_OR_STEP' };
  // Per-order leverage defaults to the account's, capped by what the instrument allows.
  const leverage = order.leverage ?? Math.min(account.leverage, instrument.maxLeverage, group.maxLeverage);
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > instrument.maxLeverage || leverage > group.maxLeverage) {
    return { code: 'TRADE_RETCODE_INVALID', reason: 'INVALID_LEVERAGE' };
  }
  const takeProfit = validLevel(order.takeProfit, instrument);
  const stopLoss = validLevel(order.stopLoss, instrument);
  if (takeProfit === false || stopLoss === false) return { code: 'TRADE_RETCODE_INVALID_STOPS', reason: 'INVALID_LEVEL' };
  if (!group.hedging && hasOpposite(state, account, instrument.symbol, order.side)) {
    return { code: 'TRADE_RETCODE_HEDGE_PROHIBITED', reason: 'HEDGING_NOT_ALLOWED' };
  }
  return { instrument, group, volume, leverage, takeProfit, stopLoss };
}

function hasOpposite(state: EngineState, account: AccountState, symbol: string, side: Side): boolean {
  for (const id of account.positionIds) {
    const position = state.positions.get(id)!;
    if (position.instrument.symbol === symbol && position.side !== side) return true;
  }
  return false;
}

/**
 * A BUY's TP must be above the reference and its SL below it; a SELL's the other way round. The
 * reference is the price the position closes at now (bid for a BUY, ask for a SELL), or a pending
 * order's entry price.
 */
export function stopsValid(side: Side, takeProfit: Fixed | null, stopLoss: Fixed | null, reference: Fixed): boolean {
  const tpOk = takeProfit === null || (side === 'BUY' ? takeProfit > reference : takeProfit < reference);
  const slOk = stopLoss === null || (side === 'BUY' ? stopLoss < reference : stopLoss > reference);
  return tpOk && slOk;
}

export const commissionFor = (group: Group, volume: Fixed): Fixed => roundMoney(mul(group.commissionPerLot, volume));

/** The part of an account's state that risk checks read, so a decision can track its own changes. */
export interface Exposure {
  balance: Fixed;
  margin: Fixed;
  /** Floating profit of the open positions at the market's prices; undefined when one cannot be priced. */
  floating(market: MarketView): Fixed | undefined;
}

/** The account as the state holds it; its floating profit comes from the state's floating memo. */
export function exposureOf(state: EngineState, account: AccountState): Exposure {
  return {
    balance: account.balance,
    margin: account.margin,
    floating: (market) => accountFloating(state, account, market),
  };
}

/** An account's floating profit at the market's prices (memoized per symbol; see FloatingMemo). */
export function accountFloating(state: EngineState, account: AccountState, market: MarketView): Fixed | undefined {
  return state.floatingMemo.floating(account.accountId, () => openPositions(state, account), market);
}

/** Positions a decision is still changing (not yet evolved): priced one by one. */
export function exposureWith(balance: Fixed, margin: Fixed, positions: readonly OpenExposure[]): Exposure {
  return {
    balance,
    margin,
    floating: (market) => accountMetrics(balance, margin, positions, market)?.floating,
  };
}

/**
 * Can the account hold `margin` more (and pay `commission`)? Free margin after the order must
 * stay ≥ 0. Undefined when a position or the conversion of the new one cannot be priced.
 */
export function coversMargin(exposure: Exposure, margin: Fixed, commission: Fixed, market: MarketView): boolean | undefined {
  const floating = exposure.floating(market);
  if (floating === undefined) return undefined;
  return margin + commission <= metricsOf(exposure.balance, exposure.margin, floating).freeMargin;
}

export interface Fill {
  accountId: number;
  orderId: number;
  instrument: Instrument;
  side: Side;
  volume: Fixed;
  price: Fixed;
  leverage: number;
  takeProfit: Fixed | null;
  stopLoss: Fixed | null;
  orderType: 'MARKET' | PendingOrderType;
  clientId: string | null;
  comment: string | null;
  magic: number | null;
}

/** Margin of a fill, or a refusal when the account cannot cover it. */
export function priceFill(
  fill: Fill,
  exposure: Exposure,
  group: Group,
  market: MarketView,
): { margin: Fixed; commission: Fixed } | Refusal {
  const margin = requiredMargin(fill.volume, fill.price, fill.leverage, fill.instrument, market);
  if (margin === undefined) return { code: 'TRADE_RETCODE_PRICE_OFF', reason: 'NO_CONVERSION_PRICE' };
  const commission = commissionFor(group, fill.volume);
  const covered = coversMargin(exposure, margin, commission, market);
  if (covered === undefined) return { code: 'TRADE_RETCODE_PRICE_OFF', reason: 'NO_PRICE_FOR_OPEN_POSITIONS' };
  if (!covered) return { code: 'TRADE_RETCODE_NO_MONEY', reason: 'INSUFFICIENT_FREE_MARGIN' };
  return { margin, commission };
}

export function positionOpened(fill: Fill, margin: Fixed, commission: Fixed, balanceBefore: Fixed, quote: Quote, now: number): PositionOpened {
  const level = (value: Fixed | null) => (value === null ? null : fixedToString(value));
  return {
    type: 'PositionOpened',
    data: {
      accountId: fill.accountId,
      orderId: fill.orderId,
      symbol: fill.instrument.symbol,
      side: fill.side,
      volume: fixedToString(fill.volume),
      openPrice: fixedToString(fill.price),
      leverage: fill.leverage,
      margin: fixedToString(margin),
      takeProfit: level(fill.takeProfit),
      stopLoss: level(fill.stopLoss),
      openTime: iso(now),
      orderType: fill.orderType,
      commission: fixedToString(commission),
      balance: fixedToString(balanceBefore - commission),
      quote: quoteUsed(quote),
      clientId: fill.clientId,
      comment: fill.comment,
      magic: fill.magic,
    },
  };
}


