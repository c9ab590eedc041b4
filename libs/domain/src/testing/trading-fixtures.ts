/**
 * Literal events and commands for the table-driven engine specs, written out by hand: nothing here
 * calls the decider. Test support only (excluded from the build like the rest of `testing/`).
 */
import type { EngineCommand } from '../engine/engine.commands.js';
import type { AdvanceClock } from '../engine/advance-clock/advance-clock.command.js';
import type { ApplyTick } from '../engine/apply-tick/apply-tick.command.js';
import type { CancelOrder } from '../engine/cancel-order/cancel-order.command.js';
import type { ChangeAccountGroup } from '../engine/change-account-group/change-account-group.command.js';
import type { ChangeBalance } from '../engine/change-balance/change-balance.command.js';
import type { ClosePosition } from '../engine/close-position/close-position.command.js';
import type { ClosePositionsBySymbol } from '../engine/close-positions-by-symbol/close-positions-by-symbol.command.js';
import type { DefineGroup } from '../engine/define-group/define-group.command.js';
import type { ModifyOrder } from '../engine/modify-order/modify-order.command.js';
import type { ModifyPosition } from '../engine/modify-position/modify-position.command.js';
import type { PlacePendingOrder } from '../engine/place-pending-order/place-pending-order.command.js';
import type { PlaceOrder } from '../engine/place-order/place-order.command.js';
import { decide, type DecideContext, type Decision } from '../engine/engine.decide.js';
import { evolve } from '../engine/engine.evolve.js';
import type { EngineState } from '../engine/engine.state.js';
import type {
  AccountGroupChanged,
  DomainEvent,
  GroupDefined,
  OrderPlaced,
  PositionClosed,
  PositionOpened,
  QuoteUsed,
  TradeRejected,
} from '../engine/events/index.js';
import { parseFixed } from '../money/fixed.js';
import type { Quote } from '../pricing/pricing.js';
import type { ResultCode } from '../result-codes.js';
import { context, marketOf } from './decider-spec.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** The engine's clock in the specs: 2026-03-03T10:30:00.000Z. */
export const NOW = Date.parse('2026-03-03T10:30:00.000Z');
export const AT = '2026-03-03T10:30:00.000Z'; // iso(NOW)
export const QUOTE_MS = NOW - 500;
export const QUOTE_AT = '2026-03-03T10:29:59.500Z'; // iso(NOW − 500 ms)
export const EARLIER = '2026-03-03T09:00:00.000Z';
export const OPEN_AT = '2026-03-03T10:00:00.000Z';

export const ANN = 1;
export const ANN_ACCOUNT = 100_001;
export const BOB = 2;
export const BOB_ACCOUNT = 100_002;

/** A user signed up with one USD demo account and a balance (the events RegisterUser records). */
export function signedUp(userId: number, accountId: number, email: string, balance = '10000'): DomainEvent[] {
  return [
    { type: 'UserRegistered', data: { userId, email, passwordHash: 'argon2-hash', registeredAt: EARLIER } },
    {
      type: 'AccountOpened',
      data: { accountId, userId, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: EARLIER },
    },
    {
      type: 'BalanceChanged',
      data: { accountId, kind: 'DEPOSIT', amount: balance, balance, comment: 'Initial deposit', changedAt: EARLIER },
    },
  ];
}
export const ann = (balance = '10000') => signedUp(ANN, ANN_ACCOUNT, 'ann@example.com', balance);
export const bob = (balance = '10000') => signedUp(BOB, BOB_ACCOUNT, 'bob@example.com', balance);

/** '42000.50' → '42000.5', '43000.00' → '43000': how events store decimals (trailing zeros dropped). */
export const shortest = (text: string): string => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);

/** The quote an event records, with its prices in the stored (shortest) form. */
export const used = (bid: string, ask: string, time = QUOTE_AT): QuoteUsed => ({ bid: shortest(bid), ask: shortest(ask), time });

/** A market BUY 1 BTCUSD at 42000.50, 1:10, margin 4200.05, no commission, on a 10000 balance (override what differs). */
export function opened(data: Partial<PositionOpened['data']> & Pick<PositionOpened['data'], 'orderId'>): PositionOpened {
  return {
    type: 'PositionOpened',
    data: {
      accountId: ANN_ACCOUNT,
      symbol: 'BTCUSD',
      side: 'BUY',
      volume: '1',
      openPrice: '42000.5',
      leverage: 10,
      margin: '4200.05',
      takeProfit: null,
      stopLoss: null,
      openTime: OPEN_AT,
      orderType: 'MARKET',
      commission: '0',
      balance: '10000',
      quote: used('42000', '42000.5', OPEN_AT),
      clientId: null,
      comment: null,
      magic: null,
      ...data,
    },
  };
}

/** A pending BTCUSD order of 1 lot at 1:10, GTC (override what differs). */
export function placed(
  data: Partial<OrderPlaced['data']> & Pick<OrderPlaced['data'], 'orderId' | 'orderType' | 'price'>,
): OrderPlaced {
  return {
    type: 'OrderPlaced',
    data: {
      accountId: ANN_ACCOUNT,
      symbol: 'BTCUSD',
      side: data.orderType.startsWith('BUY') ? 'BUY' : 'SELL',
      volume: '1',
      stopLimitPrice: null,
      leverage: 10,
      takeProfit: null,
      stopLoss: null,
      expiration: { type: 'GTC', at: null },
      placedAt: OPEN_AT,
      clientId: null,
      comment: null,
      magic: null,
      ...data,
    },
  };
}

export function closed(
  data: Partial<PositionClosed['data']> & Pick<PositionClosed['data'], 'profit' | 'balance' | 'closePrice'>,
): PositionClosed {
  return {
    type: 'PositionClosed',
    data: {
      accountId: ANN_ACCOUNT,
      orderId: 1_000_001,
      symbol: 'BTCUSD',
      side: 'BUY',
      volume: '1',
      remainingVolume: '0',
      openPrice: '42000.5',
      leverage: 10,
      takeProfit: null,
      stopLoss: null,
      openTime: OPEN_AT,
      closeTime: AT,
      marginReleased: '4200.05',
      reason: 'MANUAL',
      quote: used('42500', '42500.5'),
      clientId: null,
      comment: null,
      ...data,
    },
  };
}

export function groupDefined(data: Partial<GroupDefined['data']> & Pick<GroupDefined['data'], 'name'>): GroupDefined {
  return {
    type: 'GroupDefined',
    data: {
      leverage: 100,
      maxLeverage: 1000,
      marginCallPercent: '100',
      stopOutPercent: '50',
      commissionPerLot: '0',
      symbols: null,
      hedging: true,
      definedAt: EARLIER,
      ...data,
    },
  };
}

export function movedToGroup(group: string, leverage: number, accountId = ANN_ACCOUNT): AccountGroupChanged {
  return { type: 'AccountGroupChanged', data: { accountId, group, leverage, changedAt: EARLIER } };
}

export function rejected(
  code: ResultCode,
  reason: string,
  options: { command?: string; commandId?: string; accountId?: number; quote?: QuoteUsed | null; at?: string } = {},
): TradeRejected {
  return {
    type: 'TradeRejected',
    data: {
      accountId: options.accountId ?? ANN_ACCOUNT,
      commandId: options.commandId ?? 'cmd-1',
      command: options.command ?? 'PlaceOrder',
      code,
      reason,
      rejectedAt: options.at ?? AT,
      quote: options.quote ?? null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

const DEADLINE = NOW + 3_000;

export function marketOrder(overrides: Partial<PlaceOrder> = {}): PlaceOrder {
  return {
    type: 'PlaceOrder',
    commandId: 'cmd-1',
    userId: ANN,
    accountId: ANN_ACCOUNT,
    symbol: 'BTCUSD',
    side: 'BUY',
    volume: '1',
    leverage: 10,
    takeProfit: null,
    stopLoss: null,
    slippage: null,
    clientId: null,
    comment: null,
    magic: null,
    deadline: DEADLINE,
    ...overrides,
  };
}

export function pendingOrder(
  overrides: Partial<PlacePendingOrder> & Pick<PlacePendingOrder, 'orderType' | 'price'>,
): PlacePendingOrder {
  return {
    type: 'PlacePendingOrder',
    commandId: 'cmd-1',
    userId: ANN,
    accountId: ANN_ACCOUNT,
    symbol: 'BTCUSD',
    volume: '1',
    stopLimitPrice: null,
    leverage: 10,
    takeProfit: null,
    stopLoss: null,
    expiration: { type: 'GTC', time: null },
    clientId: null,
    comment: null,
    magic: null,
    deadline: DEADLINE,
    ...overrides,
  };
}

export function modifyOrder(overrides: Partial<ModifyOrder> & Pick<ModifyOrder, 'orderId' | 'price'>): ModifyOrder {
  return {
    type: 'ModifyOrder',
    commandId: 'cmd-1',
    userId: ANN,
    accountId: null,
    stopLimitPrice: null,
    takeProfit: null,
    stopLoss: null,
    expiration: null,
    deadline: DEADLINE,
    ...overrides,
  };
}

export function cancelOrder(orderId: number, overrides: Partial<CancelOrder> = {}): CancelOrder {
  return { type: 'CancelOrder', commandId: 'cmd-1', userId: ANN, accountId: null, orderId, deadline: DEADLINE, ...overrides };
}

export function modifyPosition(
  orderId: number,
  takeProfit: string | null,
  stopLoss: string | null,
  overrides: Partial<ModifyPosition> = {},
): ModifyPosition {
  return { type: 'ModifyPosition', commandId: 'cmd-1', userId: ANN, accountId: null, orderId, takeProfit, stopLoss, deadline: DEADLINE, ...overrides };
}

export function closePosition(orderId: number, volume: string | null = null, overrides: Partial<ClosePosition> = {}): ClosePosition {
  return { type: 'ClosePosition', commandId: 'cmd-1', userId: ANN, accountId: null, orderId, volume, clientId: null, comment: null, deadline: DEADLINE, ...overrides };
}

export function closeBySymbol(symbol: string, overrides: Partial<ClosePositionsBySymbol> = {}): ClosePositionsBySymbol {
  return { type: 'ClosePositionsBySymbol', commandId: 'cmd-1', userId: ANN, accountId: ANN_ACCOUNT, symbol, clientId: null, comment: null, deadline: DEADLINE, ...overrides };
}

export function changeBalance(amount: string, overrides: Partial<ChangeBalance> = {}): ChangeBalance {
  return { type: 'ChangeBalance', commandId: 'cmd-1', accountId: ANN_ACCOUNT, amount, comment: 'operator', ...overrides };
}

export function defineGroup(overrides: Partial<DefineGroup> & Pick<DefineGroup, 'name'>): DefineGroup {
  return {
    type: 'DefineGroup',
    commandId: 'cmd-1',
    leverage: 100,
    maxLeverage: null,
    marginCallPercent: '100',
    stopOutPercent: '50',
    commissionPerLot: '0',
    symbols: null,
    hedging: true,
    ...overrides,
  };
}

export function changeGroup(group: string, accountId = ANN_ACCOUNT): ChangeAccountGroup {
  return { type: 'ChangeAccountGroup', commandId: 'cmd-1', accountId, group };
}

export function advanceClock(now: number): AdvanceClock {
  return { type: 'AdvanceClock', commandId: 'clock-1', now };
}

// ---------------------------------------------------------------------------------------------
// Markets and running
// ---------------------------------------------------------------------------------------------

export type Prices = Record<string, [bid: string, ask: string]>;

/** Prices as the engine knows them at NOW, all fresh (500 ms old) unless a time is given. */
export const pricesAt = (prices: Prices, time = QUOTE_MS, now = NOW): DecideContext => context(marketOf(prices, time), now);

/** A tick at `time` and the context that already includes it (plus other prices, quoted at the same time). */
export function tick(symbol: string, bid: string, ask: string, others: Prices = {}, time = NOW): { command: ApplyTick; ctx: DecideContext } {
  const quote: Quote = { symbol, bid: parseFixed(bid), ask: parseFixed(ask), time };
  const market = marketOf({ ...others, [symbol]: [bid, ask] }, time);
  return { command: { type: 'ApplyTick', commandId: 'tick-1', tick: quote }, ctx: context(market, time) };
}

/** Decides and applies the decided events, as the engine's single writer does. */
export function run(state: EngineState, command: EngineCommand, ctx: DecideContext): Decision {
  const decision = decide(state, command, ctx);
  for (const event of decision.events) evolve(state, event);
  return decision;
}

/** Applies a tick (see `tick`) to the state and returns its decision. */
export function runTick(state: EngineState, symbol: string, bid: string, ask: string, others: Prices = {}, time = NOW): Decision {
  const { command, ctx } = tick(symbol, bid, ask, others, time);
  return run(state, command, ctx);
}

export const f = parseFixed;
