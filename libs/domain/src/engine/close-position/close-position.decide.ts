import { div, fixedToString, isFixedText, mul, parseFixed, roundMoney, ZERO, type Fixed } from '../../money/fixed.js';
import { closePriceFor, profitInAccountCurrency, type Quote } from '../../pricing/pricing.js';
import type { ResultCode } from '../../result-codes.js';
import { done, freshQuote, iso, ownedAccount, quoteUsed, refuse, reject, type DecideContext, type Decision, type RejectReason } from '../decision.js';
import type { EngineState, PositionState } from '../engine.state.js';
import type { CloseReason, PositionClosed } from '../events/index.js';
import type { ClosePosition } from './close-position.command.js';

export function closedEvent(
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

