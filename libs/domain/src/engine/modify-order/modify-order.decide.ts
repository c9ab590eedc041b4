import { fixedToString, isFixedText, parseFixed, type Fixed } from '../../money/fixed.js';
import type { Quote } from '../../pricing/pricing.js';
import type { ResultCode } from '../../result-codes.js';
import { done, freshQuote, iso, ownedAccount, refuse, reject, validLevel, type DecideContext, type Decision, type RejectReason } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import { entryPriceValid, fillReference, instrumentDigitsOk, isStopLimit, resolveExpiry } from '../pending-orders.js';
import { stopsValid } from '../trading-rules.js';
import type { ModifyOrder } from './modify-order.command.js';

/** Moves a pending order's entry, levels or lifetime, validated as if it were placed anew. */
export function modifyOrder(state: EngineState, command: ModifyOrder, ctx: DecideContext): Decision {
  const order = state.orders.get(command.orderId);
  const account = order && ownedAccount(state, order.accountId, command.userId);
  if (!order || !account || (command.accountId !== null && command.accountId !== account.accountId)) {
    return refuse('TRADE_RETCODE_INVALID_ORDER', 'ORDER_NOT_FOUND');
  }
  const rejectWith = (code: ResultCode, reason: RejectReason, quote?: Quote) =>
    reject(account.accountId, command, code, reason, ctx, quote);
  if (ctx.now > command.deadline) return rejectWith('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED');

  const { instrument } = order;
  const entry = isFixedText(command.price) ? parseFixed(command.price) : null;
  const stopLimit = command.stopLimitPrice === null ? null : isFixedText(command.stopLimitPrice) ? parseFixed(command.stopLimitPrice) : false;
  if (entry === null || stopLimit === false || !instrumentDigitsOk(instrument, entry, stopLimit)) {
    return rejectWith('TRADE_RETCODE_INVALID_PRICE', 'INVALID_ENTRY_PRICE');
  }
  if (isStopLimit(order.orderType) !== (stopLimit !== null)) return rejectWith('TRADE_RETCODE_INVALID_PRICE', 'STOP_LIMIT_PRICE_MISMATCH');
  const takeProfit = validLevel(command.takeProfit, instrument);
  const stopLoss = validLevel(command.stopLoss, instrument);
  if (takeProfit === false || stopLoss === false) return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'INVALID_LEVEL');
  const expiresAt = command.expiration === null ? order.expiresAt : resolveExpiry(command.expiration.type, command.expiration.time, ctx.now);
  if (expiresAt === undefined) return rejectWith('TRADE_RETCODE_INVALID_EXPIRATION', 'EXPIRATION_IN_THE_PAST');

  const same = (a: Fixed | null, b: Fixed | null) => a === b;
  if (
    entry === order.price &&
    same(stopLimit, order.stopLimitPrice) &&
    same(takeProfit, order.takeProfit) &&
    same(stopLoss, order.stopLoss) &&
    expiresAt === order.expiresAt
  ) {
    return rejectWith('TRADE_RETCODE_NO_CHANGES', 'NOTHING_TO_CHANGE');
  }

  const quote = freshQuote(instrument.symbol, ctx);
  if (!quote) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE');
  if (!entryPriceValid(order.orderType, entry, stopLimit, quote)) return rejectWith('TRADE_RETCODE_INVALID_PRICE', 'ENTRY_ON_WRONG_SIDE_OF_MARKET', quote);
  if (!stopsValid(order.side, takeProfit, stopLoss, fillReference(entry, stopLimit))) {
    return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'STOPS_ON_WRONG_SIDE_OF_ENTRY', quote);
  }
  const text = (value: Fixed | null) => (value === null ? null : fixedToString(value));
  const expirationType = command.expiration?.type ?? order.expirationType;
  return {
    events: [
      {
        type: 'OrderModified',
        data: {
          accountId: account.accountId,
          orderId: order.orderId,
          price: fixedToString(entry),
          stopLimitPrice: text(stopLimit),
          takeProfit: text(takeProfit),
          stopLoss: text(stopLoss),
          expiration: { type: expirationType, at: expiresAt === null ? null : iso(expiresAt) },
          modifiedAt: iso(ctx.now),
        },
      },
    ],
    outcome: done({ accountId: account.accountId, orderId: order.orderId }),
  };
}
