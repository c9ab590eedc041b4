import { fixedToString } from '../../money/fixed.js';
import { closePriceFor, openPriceFor, profitInAccountCurrency } from '../../pricing/pricing.js';
import { done, iso, quoteUsed, type DecideContext, type Decision } from '../decision.js';
import { groupOf, type EngineState, type PendingOrderState } from '../engine.state.js';
import type { DomainEvent } from '../events/index.js';
import { expiredOrders } from '../expiry.js';
import { isStopLimit } from '../pending-orders.js';
import { closedEvent, marginReleased } from '../position-closing.js';
import { assessMargin, enforceMarginLevels, scratchOf, watchedBook, type AccountScratch } from '../risk.js';
import { exposureWith, isRefusal, positionOpened, priceFill, type Fill } from '../trading-rules.js';
import type { ApplyTick } from './apply-tick.command.js';

/**
 * A new price: expired orders lapse; take profits and stop losses close at the price that reached
 * them; pending entries fill (or a stop-limit turns into its limit); then the margin level of every
 * account the price moves is checked for a margin call and stop-out. The margin watch narrows
 * "every account the price moves" down to those whose headroom the move could exhaust; an account
 * checked without result gets a new band.
 */
export function applyTick(state: EngineState, command: ApplyTick, ctx: DecideContext): Decision {
  const quote = command.tick;
  const events: DomainEvent[] = expiredOrders(state, quote.time);
  const expired = new Set(events.map((e) => (e.type === 'OrderCancelled' ? e.data.orderId : 0)));
  const scratches = new Map<number, AccountScratch>();
  const scratch = (accountId: number) => {
    let s = scratches.get(accountId);
    if (!s) {
      s = scratchOf(state, state.accounts.get(accountId)!);
      scratches.set(accountId, s);
    }
    return s;
  };

  for (const { orderId, kind } of state.triggers.fired(quote.symbol, quote.bid, quote.ask)) {
    const position = state.positions.get(orderId)!;
    const closePrice = closePriceFor(position.side, quote);
    const profit = profitInAccountCurrency(position.side, position.openPrice, closePrice, position.volume, position.instrument, ctx.market);
    if (profit === undefined) continue; // no conversion rate yet: the level stays armed for the next tick
    const s = scratch(position.accountId);
    s.balance += profit;
    s.margin -= marginReleased(position, position.volume);
    s.positions.delete(orderId);
    events.push(closedEvent(position, position.volume, closePrice, profit, s.balance, kind, quote, quote.time));
  }

  for (const orderId of state.triggers.entries(quote.symbol, quote.bid, quote.ask)) {
    if (expired.has(orderId)) continue;
    events.push(...triggerEntry(state, state.orders.get(orderId)!, scratch, ctx));
  }

  const watched = state.marginWatch.due(quote.symbol, quote.bid, quote.ask, watchedBook(state));
  if (watched.length === 0 && scratches.size === 0) return { events, outcome: done() }; // the usual tick
  const due = new Set(watched);
  for (const accountId of scratches.keys()) due.add(accountId);
  for (const accountId of [...due].sort((a, b) => a - b)) {
    // Only this tick's closes and fills made scratches so far: an account without one did not change.
    if (!scratches.has(accountId)) {
      // Most due accounts have nothing to decide: their measure (memoized per symbol) says so and bands them.
      const account = state.accounts.get(accountId)!;
      const look = assessMargin(state, account, ctx.market);
      if (!look) continue; // a position without a price: nothing can be decided until it has one
      if (look.quiet) {
        if (look.ranges) state.marginWatch.band(accountId, look.ranges);
        continue;
      }
    }
    events.push(...enforceMarginLevels(state, scratch(accountId), ctx.market, quote.time));
  }
  return { events, outcome: done() };
}

function triggerEntry(
  state: EngineState,
  order: PendingOrderState,
  scratch: (accountId: number) => AccountScratch,
  ctx: DecideContext,
): DomainEvent[] {
  const quote = ctx.market.quote(order.instrument.symbol)!;
  const at = iso(quote.time);
  if (isStopLimit(order.orderType)) {
    return [
      {
        type: 'OrderActivated',
        data: {
          accountId: order.accountId,
          orderId: order.orderId,
          orderType: order.side === 'BUY' ? 'BUY_LIMIT' : 'SELL_LIMIT',
          price: fixedToString(order.stopLimitPrice!),
          activatedAt: at,
          quote: quoteUsed(quote),
        },
      },
    ];
  }
  // A triggered entry fills at the market price that reached it (a gap fills at the gapped price).
  const fill: Fill = { ...order, price: openPriceFor(order.side, quote), orderType: order.orderType };
  const s = scratch(order.accountId);
  const priced = priceFill(fill, exposureWith(s.balance, s.margin, [...s.positions.values()]), groupOf(state, s.account), ctx.market);
  if (isRefusal(priced)) {
    if (priced.code !== 'TRADE_RETCODE_NO_MONEY') return []; // not priceable yet: stays armed
    return [{ type: 'OrderCancelled', data: { accountId: order.accountId, orderId: order.orderId, reason: 'NO_MONEY', cancelledAt: at, quote: quoteUsed(quote) } }];
  }
  const opened = positionOpened(fill, priced.margin, priced.commission, s.balance, quote, quote.time);
  s.balance -= priced.commission;
  s.margin += priced.margin;
  s.positions.set(order.orderId, {
    orderId: order.orderId,
    accountId: order.accountId,
    instrument: order.instrument,
    side: order.side,
    volume: order.volume,
    openPrice: fill.price,
    leverage: order.leverage,
    margin: priced.margin,
    takeProfit: order.takeProfit,
    stopLoss: order.stopLoss,
    openTime: at,
  });
  return [opened];
}
