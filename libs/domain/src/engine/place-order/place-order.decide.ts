import { fixedToString, isFixedText, parseFixed } from '../../money/fixed.js';
import { openPriceFor, type Quote } from '../../pricing/pricing.js';
import type { ResultCode } from '../../result-codes.js';
import { done, freshQuote, ownedAccount, refuse, reject, type DecideContext, type Decision, type RejectReason } from '../decision.js';
import { nextId, type EngineState } from '../engine.state.js';
import { exposureOf, isRefusal, orderTerms, positionOpened, priceFill, stopsValid, type Fill } from '../trading-rules.js';
import type { PlaceOrder } from './place-order.command.js';

/** A market order: validated, priced at the current quote, margin-checked, then filled. */
export function placeOrder(state: EngineState, command: PlaceOrder, ctx: DecideContext): Decision {
  const account = ownedAccount(state, command.accountId, command.userId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  const rejectWith = (code: ResultCode, reason: RejectReason, quote?: Quote) =>
    reject(account.accountId, command, code, reason, ctx, quote);

  if (ctx.now > command.deadline) return rejectWith('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED');
  const terms = orderTerms(state, account, command);
  if (isRefusal(terms)) return rejectWith(terms.code, terms.reason);

  const quote = freshQuote(terms.instrument.symbol, ctx);
  if (!quote) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE');
  const price = openPriceFor(command.side, quote);

  if (command.slippage) {
    if (!isFixedText(command.slippage.quotedPrice) || !isFixedText(command.slippage.maxDeviation)) {
      return rejectWith('TRADE_RETCODE_INVALID', 'INVALID_SLIPPAGE');
    }
    const quoted = parseFixed(command.slippage.quotedPrice);
    const moved = price > quoted ? price - quoted : quoted - price;
    if (moved > parseFixed(command.slippage.maxDeviation)) return rejectWith('TRADE_RETCODE_PRICE_CHANGED', 'SLIPPAGE_EXCEEDED', quote);
  }

  const reference = command.side === 'BUY' ? quote.bid : quote.ask;
  if (!stopsValid(command.side, terms.takeProfit, terms.stopLoss, reference)) {
    return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'STOPS_WOULD_TRIGGER', quote);
  }

  const fill: Fill = {
    accountId: account.accountId,
    orderId: nextId(state, 'order'),
    instrument: terms.instrument,
    side: command.side,
    volume: terms.volume,
    price,
    leverage: terms.leverage,
    takeProfit: terms.takeProfit,
    stopLoss: terms.stopLoss,
    orderType: 'MARKET',
    clientId: command.clientId,
    comment: command.comment,
    magic: command.magic,
  };
  const priced = priceFill(fill, exposureOf(state, account), terms.group, ctx.market);
  if (isRefusal(priced)) return rejectWith(priced.code, priced.reason, quote);
  return {
    events: [positionOpened(fill, priced.margin, priced.commission, account.balance, quote, ctx.now)],
    outcome: done({ accountId: account.accountId, orderId: fill.orderId, price: fixedToString(price), volume: fixedToString(terms.volume) }),
  };
}
