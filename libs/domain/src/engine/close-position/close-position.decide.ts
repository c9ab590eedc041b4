import { isFixedText, parseFixed, ZERO } from '../../money/fixed.js';
import { closePriceFor, profitInAccountCurrency, type Quote } from '../../pricing/pricing.js';
import type { ResultCode } from '../../result-codes.js';
import { done, freshQuote, ownedAccount, refuse, reject, type DecideContext, type Decision, type RejectReason } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import type { CloseReason } from '../events/index.js';
import { closedEvent, writeOffIfNegative } from '../position-closing.js';
import type { ClosePosition } from './close-position.command.js';

/** Closes a position, or part of it, at the current close-side price. */
export function closePosition(state: EngineState, command: ClosePosition, ctx: DecideContext): Decision {
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
  const balance = account.balance + profit;
  const event = closedEvent(position, volume, closePrice, profit, balance, reason, quote, ctx.now, command);
  const left = account.positionIds.size - (reason === 'MANUAL' ? 1 : 0);
  return {
    events: [event, ...writeOffIfNegative(account.accountId, balance, left, ctx.now)],
    outcome: done({
      accountId: account.accountId,
      orderId: position.orderId,
      price: event.data.closePrice,
      profit: event.data.profit,
      volume: event.data.volume,
    }),
  };
}

