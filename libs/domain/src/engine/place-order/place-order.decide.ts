import { findInstrument } from '../../instruments/instruments.catalog.js';
import { fixedToString, parseFixed } from '../../money/fixed.js';
import { accountMetrics } from '../../pricing/account-metrics.js';
import { openPriceFor, requiredMargin, type Quote } from '../../pricing/pricing.js';
import type { ResultCode } from '../../result-codes.js';
import {
  done,
  freshQuote,
  iso,
  openPositions,
  ownedAccount,
  quoteUsed,
  refuse,
  reject,
  validLevel,
  validVolume,
  type DecideContext,
  type Decision,
  type RejectReason,
} from '../decision.js';
import { nextId, type EngineState } from '../engine.state.js';
import type { PlaceOrder } from './place-order.command.js';

/** A market order: validated, priced at the current quote, margin-checked, then filled. */
export function placeOrder(state: EngineState, command: PlaceOrder, ctx: DecideContext): Decision {
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

