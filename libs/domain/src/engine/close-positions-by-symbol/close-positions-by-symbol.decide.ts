import { findInstrument } from '../../instruments/instruments.catalog.js';
import { closePriceFor, profitInAccountCurrency } from '../../pricing/pricing.js';
import { done, freshQuote, ownedAccount, refuse, reject, type DecideContext, type Decision } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import type { DomainEvent } from '../events/index.js';
import { closedEvent, writeOffIfNegative } from '../position-closing.js';
import type { ClosePositionsBySymbol } from './close-positions-by-symbol.command.js';

/** Closes every position of the account on one symbol at the current price, oldest first. */
export function closePositionsBySymbol(state: EngineState, command: ClosePositionsBySymbol, ctx: DecideContext): Decision {
  const account = ownedAccount(state, command.accountId, command.userId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  if (ctx.now > command.deadline) return reject(account.accountId, command, 'TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED', ctx);
  const instrument = findInstrument(command.symbol);
  if (!instrument) return reject(account.accountId, command, 'TRADE_RETCODE_INVALID', 'UNKNOWN_SYMBOL', ctx);
  const positions = [...account.positionIds].map((id) => state.positions.get(id)!).filter((p) => p.instrument === instrument);
  if (positions.length === 0) return refuse('TRADE_RETCODE_POSITION_CLOSED', 'NO_POSITIONS_ON_SYMBOL');
  const quote = freshQuote(instrument.symbol, ctx);
  if (!quote) return reject(account.accountId, command, 'TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE', ctx);

  const events: DomainEvent[] = [];
  let balance = account.balance;
  for (const position of positions.sort((a, b) => a.orderId - b.orderId)) {
    const closePrice = closePriceFor(position.side, quote);
    const profit = profitInAccountCurrency(position.side, position.openPrice, closePrice, position.volume, instrument, ctx.market);
    if (profit === undefined) return reject(account.accountId, command, 'TRADE_RETCODE_PRICE_OFF', 'NO_CONVERSION_PRICE', ctx, quote);
    balance += profit;
    events.push(closedEvent(position, position.volume, closePrice, profit, balance, 'MANUAL', quote, ctx.now, command));
  }
  events.push(...writeOffIfNegative(account.accountId, balance, account.positionIds.size - positions.length, ctx.now));
  return { events, outcome: done({ accountId: account.accountId, orderId: positions[positions.length - 1]!.orderId }) };
}
