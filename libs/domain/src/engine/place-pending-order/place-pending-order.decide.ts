import { fixedToString, isFixedText, parseFixed, type Fixed } from '../../money/fixed.js';
import type { Quote } from '../../pricing/pricing.js';
import type { ResultCode } from '../../result-codes.js';
import { done, freshQuote, iso, ownedAccount, refuse, reject, type DecideContext, type Decision, type RejectReason } from '../decision.js';
import { nextId, type EngineState } from '../engine.state.js';
import { entryPriceValid, fillReference, instrumentDigitsOk, isStopLimit, resolveExpiry, sideOf } from '../pending-orders.js';
import { exposureOf, isRefusal, orderTerms, priceFill, stopsValid } from '../trading-rules.js';
import type { PlacePendingOrder } from './place-pending-order.command.js';

const price = (text: string | null): Fixed | null | false => (text === null ? null : isFixedText(text) ? parseFixed(text) : false);

/**
 * A pending order rests until the market reaches its entry. Margin is checked now (and again when
 * it fills) but not held while it waits.
 */
export function placePendingOrder(state: EngineState, command: PlacePendingOrder, ctx: DecideContext): Decision {
  const account = ownedAccount(state, command.accountId, command.userId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  const rejectWith = (code: ResultCode, reason: RejectReason, quote?: Quote) =>
    reject(account.accountId, command, code, reason, ctx, quote);
  if (ctx.now > command.deadline) return rejectWith('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED');

  const side = sideOf(command.orderType);
  const terms = orderTerms(state, account, { ...command, side });
  if (isRefusal(terms)) return rejectWith(terms.code, terms.reason);
  const entry = price(command.price);
  const stopLimit = price(command.stopLimitPrice);
  if (entry === false || entry === null || stopLimit === false || !instrumentDigitsOk(terms.instrument, entry, stopLimit)) {
    return rejectWith('TRADE_RETCODE_INVALID_PRICE', 'INVALID_ENTRY_PRICE');
  }
  if (isStopLimit(command.orderType) !== (stopLimit !== null)) return rejectWith('TRADE_RETCODE_INVALID_PRICE', 'STOP_LIMIT_PRICE_MISMATCH');
  const expiresAt = resolveExpiry(command.expiration.type, command.expiration.time, ctx.now);
  if (expiresAt === undefined) return rejectWith('TRADE_RETCODE_INVALID_EXPIRATION', 'EXPIRATION_IN_THE_PAST');

  const quote = freshQuote(terms.instrument.symbol, ctx);
  if (!quote) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE');
  if (!entryPriceValid(command.orderType, entry, stopLimit, quote)) return rejectWith('TRADE_RETCODE_INVALID_PRICE', 'ENTRY_ON_WRONG_SIDE_OF_MARKET', quote);
  if (!stopsValid(side, terms.takeProfit, terms.stopLoss, fillReference(entry, stopLimit))) {
    return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'STOPS_ON_WRONG_SIDE_OF_ENTRY', quote);
  }

  const orderId = nextId(state, 'order');
  const priced = priceFill(
    {
      accountId: account.accountId,
      orderId,
      instrument: terms.instrument,
      side,
      volume: terms.volume,
      price: fillReference(entry, stopLimit),
      leverage: terms.leverage,
      takeProfit: terms.takeProfit,
      stopLoss: terms.stopLoss,
      orderType: command.orderType,
      clientId: command.clientId,
      comment: command.comment,
      magic: command.magic,
    },
    exposureOf(state, account),
    terms.group,
    ctx.market,
  );
  if (isRefusal(priced)) return rejectWith(priced.code, priced.reason, quote);

  const text = (value: Fixed | null) => (value === null ? null : fixedToString(value));
  return {
    events: [
      {
        type: 'OrderPlaced',
        data: {
          accountId: account.accountId,
          orderId,
          symbol: terms.instrument.symbol,
          orderType: command.orderType,
          side,
          volume: fixedToString(terms.volume),
          price: fixedToString(entry),
          stopLimitPrice: text(stopLimit),
          leverage: terms.leverage,
          takeProfit: text(terms.takeProfit),
          stopLoss: text(terms.stopLoss),
          expiration: { type: command.expiration.type, at: expiresAt === null ? null : iso(expiresAt) },
          placedAt: iso(ctx.now),
          clientId: command.clientId,
          comment: command.comment,
          magic: command.magic,
        },
      },
    ],
    outcome: done({ accountId: account.accountId, orderId, price: fixedToString(entry), volume: fixedToString(terms.volume) }),
  };
}
