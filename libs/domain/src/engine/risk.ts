import { findInstrument, INSTRUMENTS } from '../instruments/instruments.catalog.js';
import type { Instrument } from '../instruments/instrument.js';
import { fixedToString, ZERO, type Fixed } from '../money/fixed.js';
import { accountMetrics, floatingProfit } from '../pricing/account-metrics.js';
import { ACCOUNT_CURRENCY, closePriceFor, type MarketView, type Quote } from '../pricing/pricing.js';
import { iso } from './decision.js';
import { groupOf, type AccountState, type EngineState, type PositionState } from './engine.state.js';
import type { DomainEvent } from './events/index.js';
import { closedEvent, marginReleased, writeOffIfNegative } from './position-closing.js';

/** The pair whose price converts an instrument's profit into the account currency, if any. */
export function conversionSymbol(instrument: Instrument): string | null {
  if (instrument.quote === ACCOUNT_CURRENCY) return null;
  const direct = `${instrument.quote}${ACCOUNT_CURRENCY}`;
  return findInstrument(direct) ? direct : `${ACCOUNT_CURRENCY}${instrument.quote}`;
}

/** symbol → the symbols whose account-currency value its price also moves (NZDUSD → AUDNZD). */
const DEPENDENTS = new Map<string, string[]>();
for (const instrument of INSTRUMENTS) {
  const via = conversionSymbol(instrument);
  if (via && via !== instrument.symbol) DEPENDENTS.set(via, [...(DEPENDENTS.get(via) ?? []), instrument.symbol]);
}

/** Accounts whose equity a price change of `symbol` moves: only those exposed to it, never a scan of all. */
export function accountsMovedBy(state: EngineState, symbol: string): Set<number> {
  const accounts = new Set<number>(state.exposure.get(symbol)?.keys());
  for (const dependent of DEPENDENTS.get(symbol) ?? []) {
    for (const accountId of state.exposure.get(dependent)?.keys() ?? []) accounts.add(accountId);
  }
  return accounts;
}

/** An account as a decision sees it while it is still changing it (closes and fills not yet evolved). */
export interface AccountScratch {
  account: AccountState;
  balance: Fixed;
  margin: Fixed;
  positions: Map<number, PositionState>;
}

export function scratchOf(state: EngineState, account: AccountState): AccountScratch {
  const positions = new Map<number, PositionState>();
  for (const id of account.positionIds) positions.set(id, state.positions.get(id)!);
  return { account, balance: account.balance, margin: account.margin, positions };
}

/**
 * Margin call and stop-out for one account at the current prices. At or below the group's
 * stop-out level, positions close at market, largest loss first, until the level is back above it
 * (or nothing is left). A margin call is recorded once per episode. A loss beyond the balance is
 * written off once no position is left.
 */
export function enforceMarginLevels(state: EngineState, scratch: AccountScratch, market: MarketView, now: number): DomainEvent[] {
  const { account } = scratch;
  const group = groupOf(state, account);
  const events: DomainEvent[] = [];
  let metrics = accountMetrics(scratch.balance, scratch.margin, scratch.positions.values(), market);
  if (!metrics) return events;
  let marginCall = account.marginCall;

  // The level compared is the one an account summary shows (equity / margin × 100, to the hundredth).
  const below = (threshold: Fixed) => metrics!.marginLevel !== null && metrics!.marginLevel <= threshold;
  if (!marginCall && below(group.marginCallPercent)) {
    marginCall = true;
    events.push({
      type: 'MarginCallTriggered',
      data: {
        accountId: account.accountId,
        marginLevel: fixedToString(metrics.marginLevel!),
        equity: fixedToString(metrics.equity),
        margin: fixedToString(metrics.margin),
        at: iso(now),
      },
    });
  }

  while (scratch.positions.size > 0 && below(group.stopOutPercent)) {
    const worst = largestLoss(scratch.positions, market);
    if (!worst) break; // a position without a price cannot be closed at market; wait for a tick
    const { position, profit, quote } = worst;
    scratch.balance += profit;
    scratch.margin -= marginReleased(position, position.volume);
    scratch.positions.delete(position.orderId);
    events.push(closedEvent(position, position.volume, closePriceFor(position.side, quote), profit, scratch.balance, 'STOP_OUT', quote, now));
    metrics = accountMetrics(scratch.balance, scratch.margin, scratch.positions.values(), market);
    if (!metrics) break;
  }
  // Not only after a stop-out: a stop loss closed through a gap earlier in the same tick can leave the
  // account flat below zero too, and that loss is written off the same way.
  events.push(...writeOffIfNegative(account.accountId, scratch.balance, scratch.positions.size, now));
  if (scratch.balance < ZERO && scratch.positions.size === 0) scratch.balance = ZERO;

  if (marginCall && metrics && !below(group.marginCallPercent)) {
    events.push({
      type: 'MarginCallCleared',
      data: { accountId: account.accountId, marginLevel: metrics.marginLevel === null ? null : fixedToString(metrics.marginLevel), at: iso(now) },
    });
  }
  return events;
}

function largestLoss(positions: Map<number, PositionState>, market: MarketView): { position: PositionState; profit: Fixed; quote: Quote } | undefined {
  let worst: { position: PositionState; profit: Fixed; quote: Quote } | undefined;
  for (const position of positions.values()) {
    const quote = market.quote(position.instrument.symbol);
    const profit = floatingProfit(position, market);
    if (!quote || profit === undefined) continue;
    if (!worst || profit < worst.profit || (profit === worst.profit && position.orderId < worst.position.orderId)) {
      worst = { position, profit, quote };
    }
  }
  return worst;
}
