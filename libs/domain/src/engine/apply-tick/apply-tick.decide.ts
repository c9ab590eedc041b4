import type { Fixed } from '../../money/fixed.js';
import { closePriceFor, profitInAccountCurrency } from '../../pricing/pricing.js';
import { closedEvent } from '../close-position/close-position.decide.js';
import { done, type DecideContext, type Decision } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import type { DomainEvent } from '../events/index.js';
import type { ApplyTick } from './apply-tick.command.js';

/** Take profit and stop loss: each fired position closes at the price that reached its level. */
export function applyTick(state: EngineState, command: ApplyTick, ctx: DecideContext): Decision {
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

