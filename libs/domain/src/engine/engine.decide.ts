import { findInstrument } from '../instruments/instruments.catalog.js';
import type { Instrument } from '../instruments/instrument.js';
import {
  div,
  fixedToString,
  hasAtMostDigits,
  isFixedText,
  mul,
  parseFixed,
  roundMoney,
  ZERO,
  type Fixed,
} from '../money/fixed.js';
import { accountMetrics } from '../pricing/account-metrics.js';
import {
  closePriceFor,
  openPriceFor,
  profitInAccountCurrency,
  requiredMargin,
  type MarketView,
  type Quote,
} from '../pricing/pricing.js';
import { resultCodeMessage, type ResultCode } from '../result-codes.js';
import type {
  ApplyTick,
  ChangeBalance,
  ClosePosition,
  EngineCommand,
  OpenAccount,
  PlaceOrder,
  RegisterUser,
} from './commands/index.js';
import type { CloseReason, DomainEvent, PositionClosed, QuoteUsed } from './events/index.js';
import { DEFAULT_GROUP, nextId, normalizeEmail, type AccountState, type EngineState, type PositionState } from './engine.state.js';

export interface DecideContext {
  /** The engine's clock, epoch ms: time arrives with the input, the domain never reads a clock. */
  now: number;
  /** Latest prices, already including the tick being decided. */
  market: MarketView;
  /** A quote older than this is no quote. */
  priceStaleMs: number;
}

/** Why a request failed beyond its result code, for the edge to pick a status (e.g. 404). */
export type RejectReason =
  | 'ACCOUNT_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'POSITION_NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'UNKNOWN_SYMBOL'
  | 'INVALID_LEVERAGE'
  | 'INVALID_AMOUNT'
  | 'DEADLINE_PASSED'
  | string;

export interface Outcome {
  code: ResultCode;
  message: string;
  reason?: RejectReason;
  userId?: number;
  accountId?: number;
  orderId?: number;
  /** Fills and closes: decimal strings. */
  price?: string;
  profit?: string;
  volume?: string;
}

export interface Decision {
  events: DomainEvent[];
  outcome: Outcome;
}

export function decide(state: EngineState, command: EngineCommand, ctx: DecideContext): Decision {
  switch (command.type) {
    case 'RegisterUser':
      return registerUser(state, command, ctx);
    case 'OpenAccount':
      return openAccount(state, command, ctx);
    case 'PlaceOrder':
      return placeOrder(state, command, ctx);
    case 'ClosePosition':
      return closePosition(state, command, ctx);
    case 'ChangeBalance':
      return changeBalance(state, command, ctx);
    case 'ApplyTick':
      return applyTick(state, command, ctx);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

const done = (extra: Omit<Outcome, 'code' | 'message'> = {}): Outcome => ({
  code: 'TRADE_RETCODE_DONE',
  message: resultCodeMessage('TRADE_RETCODE_DONE'),
  ...extra,
});

/** A refusal that leaves no trace: the target does not exist for this caller. */
function refuse(code: ResultCode, reason: RejectReason): Decision {
  return { events: [], outcome: { code, reason, message: resultCodeMessage(code) } };
}

/** A refusal recorded in the account's stream for the audit trail. */
function reject(
  accountId: number,
  command: { type: string; commandId: string },
  code: ResultCode,
  reason: RejectReason,
  ctx: DecideContext,
  quote: Quote | undefined = undefined,
): Decision {
  return {
    events: [
      {
        type: 'TradeRejected',
        data: {
          accountId,
          commandId: command.commandId,
          command: command.type,
          code,
          reason,
          rejectedAt: iso(ctx.now),
          quote: quote ? quoteUsed(quote) : null,
        },
      },
    ],
    outcome: { code, reason, accountId, message: `${resultCodeMessage(code)}: ${reason}` },
  };
}

export function quoteUsed(quote: Quote): QuoteUsed {
  return { bid: fixedToString(quote.bid), ask: fixedToString(quote.ask), time: iso(quote.time) };
}

function freshQuote(symbol: string, ctx: DecideContext): Quote | undefined {
  const quote = ctx.market.quote(symbol);
  if (!quote || ctx.now - quote.time > ctx.priceStaleMs) return undefined;
  return quote;
}

function ownedAccount(state: EngineState, accountId: number, userId: number): AccountState | undefined {
  const account = state.accounts.get(accountId);
  return account && account.userId === userId ? account : undefined;
}

function openPositions(state: EngineState, account: AccountState): PositionState[] {
  const positions: PositionState[] = [];
  for (const id of account.positionIds) positions.push(state.positions.get(id)!);
  return positions;
}

function validVolume(text: string, instrument: Instrument): Fixed | undefined {
  if (!isFixedText(text)) return undefined;
  const volume = parseFixed(text);
  if (volume < instrument.volumeMin || volume > instrument.volumeMax) return undefined;
  if ((volume - instrument.volumeMin) % instrument.volumeStep !== 0n) return undefined;
  return volume;
}

function validLevel(text: string | null, instrument: Instrument): Fixed | null | false {
  if (text === null) return null;
  if (!isFixedText(text)) return false;
  const level = parseFixed(text);
  return level > 0n && hasAtMostDigits(level, instrument.digits) ? level : false;
}

function registerUser(state: EngineState, command: RegisterUser, ctx: DecideContext): Decision {
  const email = normalizeEmail(command.email);
  if (state.usersByEmail.has(email)) return refuse('TRADE_RETCODE_REJECT', 'EMAIL_TAKEN');
  if (!isFixedText(command.initialBalance)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  const userId = nextId(state, 'user');
  const accountId = nextId(state, 'account');
  const at = iso(ctx.now);
  const balance = roundMoney(parseFixed(command.initialBalance));
  const events: DomainEvent[] = [
    { type: 'UserRegistered', data: { userId, email, passwordHash: command.passwordHash, registeredAt: at } },
    {
      type: 'AccountOpened',
      data: {
        accountId,
        userId,
        name: 'Main',
        group: DEFAULT_GROUP.name,
        currency: 'USD',
        leverage: DEFAULT_GROUP.leverage,
        openedAt: at,
      },
    },
  ];
  if (balance > ZERO) {
    const amount = fixedToString(balance);
    events.push({
      type: 'BalanceChanged',
      data: { accountId, kind: 'DEPOSIT', amount, balance: amount, comment: 'Initial deposit', changedAt: at },
    });
  }
  return { events, outcome: done({ userId, accountId }) };
}

function openAccount(state: EngineState, command: OpenAccount, ctx: DecideContext): Decision {
  const user = state.users.get(command.userId);
  if (!user) return refuse('TRADE_RETCODE_INVALID', 'USER_NOT_FOUND');
  const group = state.groups.get(DEFAULT_GROUP.name) ?? DEFAULT_GROUP;
  const leverage = command.leverage ?? group.leverage;
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > group.leverage * 10) {
    return refuse('TRADE_RETCODE_INVALID', 'INVALID_LEVERAGE');
  }
  const accountId = nextId(state, 'account');
  return {
    events: [
      {
        type: 'AccountOpened',
        data: {
          accountId,
          userId: user.userId,
          name: command.name ?? `Account ${user.accountIds.length + 1}`,
          group: group.name,
          currency: 'USD',
          leverage,
          openedAt: iso(ctx.now),
        },
      },
    ],
    outcome: done({ userId: user.userId, accountId }),
  };
}

function placeOrder(state: EngineState, command: PlaceOrder, ctx: DecideContext): Decision {
  const account = ownedAccount(state, command.accountId, command.userId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  const rejectWith = (code: ResultCode, reason: RejectReason, quote?: Quote) =>
    reject(account.accountId, command, code, reason, ctx, quote);

  if (ctx.now > command.deadline) return rejectWith('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED');
  const instrument = findInstrument(command.symbol);
  if (!instrument) return rejectWith('TRADE_RETCODE_INVALID', 'UNKNOWN_SYMBOL');
  const volume = validVolume(command.volume, instrument);
  if (volume === undefined) return rejectWith('TRADE_RETCODE_INVALID_VOLUME', 'VOLUME_OUT_OF_RANGE_OR_STEP');
  const leverage = command.leverage ?? account.leverage;
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > instrument.maxLeverage) {
    return rejectWith('TRADE_RETCODE_INVALID', 'INVALID_LEVERAGE');
  }
  const takeProfit = validLevel(command.takeProfit, instrument);
  const stopLoss = validLevel(command.stopLoss, instrument);
  if (takeProfit === false || stopLoss === false) return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'INVALID_LEVEL');

  const quote = freshQuote(instrument.symbol, ctx);
  if (!quote) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE');
  const price = openPriceFor(command.side, quote);

  if (command.slippage) {
    const quoted = parseFixed(command.slippage.quotedPrice);
    const maxPercent = parseFixed(command.slippage.maxPercent);
    const moved = price > quoted ? price - quoted : quoted - price;
    // |price − quoted| / quoted × 100 > max  ⇔  |price − quoted| × 100 > max × quoted (no division)
    if (moved * 100n * SCALE_FOR_COMPARISON > maxPercent * quoted) {
      return rejectWith('TRADE_RETCODE_PRICE_CHANGED', 'SLIPPAGE_EXCEEDED', quote);
    }
  }

  // A BUY's TP must be above the bid and its SL below it; a SELL's TP below the ask and its SL above it.
  const reference = command.side === 'BUY' ? quote.bid : quote.ask;
  const tpOk = takeProfit === null || (command.side === 'BUY' ? takeProfit > reference : takeProfit < reference);
  const slOk = stopLoss === null || (command.side === 'BUY' ? stopLoss < reference : stopLoss > reference);
  if (!tpOk || !slOk) return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'STOPS_WOULD_TRIGGER', quote);

  const margin = requiredMargin(volume, price, leverage, instrument, ctx.market);
  const metrics = accountMetrics(account.balance, account.margin, openPositions(state, account), ctx.market);
  if (margin === undefined || metrics === undefined) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_CONVERSION_PRICE', quote);
  if (margin > metrics.freeMargin) return rejectWith('TRADE_RETCODE_NO_MONEY', 'INSUFFICIENT_FREE_MARGIN', quote);

  const orderId = nextId(state, 'order');
  return {
    events: [
      {
        type: 'PositionOpened',
        data: {
          accountId: account.accountId,
          orderId,
          symbol: instrument.symbol,
          side: command.side,
          volume: fixedToString(volume),
          openPrice: fixedToString(price),
          leverage,
          margin: fixedToString(margin),
          takeProfit: takeProfit === null ? null : fixedToString(takeProfit),
          stopLoss: stopLoss === null ? null : fixedToString(stopLoss),
          openTime: iso(ctx.now),
          quote: quoteUsed(quote),
          clientId: command.clientId,
          comment: command.comment,
        },
      },
    ],
    outcome: done({ accountId: account.accountId, orderId, price: fixedToString(price), volume: fixedToString(volume) }),
  };
}

/** Both sides of the slippage comparison are Fixed; multiplying one side restores the scale. */
const SCALE_FOR_COMPARISON = 10n ** 8n;

function closedEvent(
  position: PositionState,
  volume: Fixed,
  closePrice: Fixed,
  profit: Fixed,
  balanceAfter: Fixed,
  reason: CloseReason,
  quote: Quote,
  now: number,
): PositionClosed {
  const remaining = position.volume - volume;
  const released = remaining === ZERO ? position.margin : roundMoney(div(mul(position.margin, volume), position.volume));
  return {
    type: 'PositionClosed',
    data: {
      accountId: position.accountId,
      orderId: position.orderId,
      symbol: position.instrument.symbol,
      side: position.side,
      volume: fixedToString(volume),
      remainingVolume: fixedToString(remaining),
      openPrice: fixedToString(position.openPrice),
      closePrice: fixedToString(closePrice),
      leverage: position.leverage,
      takeProfit: position.takeProfit === null ? null : fixedToString(position.takeProfit),
      stopLoss: position.stopLoss === null ? null : fixedToString(position.stopLoss),
      openTime: position.openTime,
      closeTime: iso(now),
      profit: fixedToString(profit),
      marginReleased: fixedToString(released),
      balance: fixedToString(balanceAfter),
      reason,
      quote: quoteUsed(quote),
    },
  };
}

function closePosition(state: EngineState, command: ClosePosition, ctx: DecideContext): Decision {
  const position = state.positions.get(command.orderId);
  const account = position && ownedAccount(state, position.accountId, command.userId);
  if (!position || !account || (command.accountId !== null && command.accountId !== account.accountId)) {
    return refuse('TRADE_RETCODE_POSITION_CLOSED', 'POSITION_NOT_FOUND');
  }
  const rejectWith = (code: ResultCode, reason: RejectReason, quote?: Quote) =>
    reject(account.accountId, command, code, reason, ctx, quote);
  if (ctx.now > command.deadline) return rejectWith('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED');

  const { instrument } = position;
  let volume = position.volume;
  if (command.volume !== null) {
    if (!isFixedText(command.volume)) return rejectWith('TRADE_RETCODE_INVALID_VOLUME', 'VOLUME_NOT_A_NUMBER');
    volume = parseFixed(command.volume);
    if (volume <= ZERO || volume % instrument.volumeStep !== 0n) {
      return rejectWith('TRADE_RETCODE_INVALID_VOLUME', 'VOLUME_OUT_OF_RANGE_OR_STEP');
    }
    if (volume > position.volume) return rejectWith('TRADE_RETCODE_INVALID_CLOSE_VOLUME', 'EXCEEDS_OPEN_VOLUME');
    const remaining = position.volume - volume;
    if (remaining > ZERO && remaining < instrument.volumeMin) {
      return rejectWith('TRADE_RETCODE_INVALID_CLOSE_VOLUME', 'REMAINDER_BELOW_MINIMUM');
    }
  }

  const quote = freshQuote(instrument.symbol, ctx);
  if (!quote) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE');
  const closePrice = closePriceFor(position.side, quote);
  const profit = profitInAccountCurrency(position.side, position.openPrice, closePrice, volume, instrument, ctx.market);
  if (profit === undefined) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_CONVERSION_PRICE', quote);

  const reason: CloseReason = volume === position.volume ? 'MANUAL' : 'PARTIAL';
  const event = closedEvent(position, volume, closePrice, profit, account.balance + profit, reason, quote, ctx.now);
  return {
    events: [event],
    outcome: done({
      accountId: account.accountId,
      orderId: position.orderId,
      price: event.data.closePrice,
      profit: event.data.profit,
      volume: event.data.volume,
    }),
  };
}

function changeBalance(state: EngineState, command: ChangeBalance, ctx: DecideContext): Decision {
  const account = state.accounts.get(command.accountId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  if (!isFixedText(command.amount)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  const amount = parseFixed(command.amount);
  if (amount === ZERO || !hasAtMostDigits(amount, 2)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  if (amount < ZERO) {
    const metrics = accountMetrics(account.balance, account.margin, openPositions(state, account), ctx.market);
    if (metrics === undefined) return reject(account.accountId, command, 'TRADE_RETCODE_PRICE_OFF', 'NO_PRICE_FOR_OPEN_POSITIONS', ctx);
    if (-amount > metrics.freeMargin) {
      return reject(account.accountId, command, 'TRADE_RETCODE_NO_MONEY', 'WITHDRAWAL_EXCEEDS_FREE_MARGIN', ctx);
    }
  }
  const balance = account.balance + amount;
  return {
    events: [
      {
        type: 'BalanceChanged',
        data: {
          accountId: account.accountId,
          kind: amount > ZERO ? 'DEPOSIT' : 'WITHDRAWAL',
          amount: fixedToString(amount),
          balance: fixedToString(balance),
          comment: command.comment,
          changedAt: iso(ctx.now),
        },
      },
    ],
    outcome: done({ accountId: account.accountId }),
  };
}

/** Take profit and stop loss: each fired position closes at the price that reached its level. */
function applyTick(state: EngineState, command: ApplyTick, ctx: DecideContext): Decision {
  const quote = command.tick;
  const fired = state.triggers.fired(quote.symbol, quote.bid, quote.ask);
  const events: DomainEvent[] = [];
  const balances = new Map<number, Fixed>();
  for (const { orderId, kind } of fired) {
    const position = state.positions.get(orderId)!;
    const closePrice = closePriceFor(position.side, quote);
    const profit = profitInAccountCurrency(
      position.side,
      position.openPrice,
      closePrice,
      position.volume,
      position.instrument,
      ctx.market,
    );
    if (profit === undefined) continue; // no conversion rate yet: the level stays armed for the next tick
    const balance = (balances.get(position.accountId) ?? state.accounts.get(position.accountId)!.balance) + profit;
    balances.set(position.accountId, balance);
    events.push(closedEvent(position, position.volume, closePrice, profit, balance, kind, quote, quote.time));
  }
  return { events, outcome: done() };
}
