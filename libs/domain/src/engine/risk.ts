import { findInstrument, INSTRUMENTS } from '../instruments/instruments.catalog.js';
import type { Instrument } from '../instruments/instrument.js';
import { abs, fixedToString, min, parseFixed, SCALE, ZERO, type Fixed } from '../money/fixed.js';
import { accountMetrics, floatingProfit, metricsOf, type AccountMetrics } from '../pricing/account-metrics.js';
import { ACCOUNT_CURRENCY, closePriceFor, type MarketView, type Quote } from '../pricing/pricing.js';
import type { PriceRange, WatchedBook } from '../triggers/margin-watch.js';
import { iso, openPositions } from './decision.js';
import { groupOf, type AccountState, type EngineState, type Group, type PositionState } from './engine.state.js';
import type { DomainEvent } from './events/index.js';
import { closedEvent, marginReleased, writeOffIfNegative } from './position-closing.js';

/** The pair whose price converts an instrument's profit into the account currency, if any. */
export function conversionSymbol(instrument: Instrument): string | null {
  if (instrument.quote === ACCOUNT_CURRENCY) return null;
  const direct = `${instrument.quote}${ACCOUNT_CURRENCY}`;
  return findInstrument(direct) ? direct : `${ACCOUNT_CURRENCY}${instrument.quote}`;
}

/** instrument → its symbol and conversion pair: what a position on it makes its account depend on. */
const DEPENDENCIES = new Map<Instrument, readonly string[]>(
  INSTRUMENTS.map((instrument) => {
    const via = conversionSymbol(instrument);
    return [instrument, via && via !== instrument.symbol ? [instrument.symbol, via] : [instrument.symbol]];
  }),
);

/** Symbols whose prices move an account's equity: its positions' instruments and their conversion pairs. */
export function marginDependencies(state: EngineState, accountId: number): string[] {
  const account = state.accounts.get(accountId);
  if (!account) return [];
  const symbols: string[] = []; // at most a few dozen: a list beats a set here
  for (const id of account.positionIds) {
    const { instrument } = state.positions.get(id)!;
    for (const symbol of DEPENDENCIES.get(instrument) ?? [instrument.symbol, ...(conversionSymbol(instrument) ?? [])]) {
      if (!symbols.includes(symbol)) symbols.push(symbol);
    }
  }
  return symbols;
}

const BOOKS = new WeakMap<EngineState, WatchedBook>();

/** The engine state as the margin watch reads it (made once per state: every tick asks for it). */
export function watchedBook(state: EngineState): WatchedBook {
  let book = BOOKS.get(state);
  if (!book) BOOKS.set(state, (book = bookOf(state)));
  return book;
}

function bookOf(state: EngineState): WatchedBook {
  return {
    dependencies: (accountId) => marginDependencies(state, accountId),
    accountsWithPositions: function* () {
      for (const account of state.accounts.values()) if (account.positionIds.size > 0) yield account.accountId;
    },
  };
}

/**
 * An account's margin as the state holds it (its positions measured through the floating memo):
 * whether a margin check would decide anything, and if not, where it could not until prices leave
 * the returned ranges (see `bandOf`). Undefined when a position cannot be priced.
 */
export interface MarginAssessment {
  /** Nothing to decide: no margin call to record or clear, no stop-out. */
  quiet: boolean;
  /** For a quiet account, the prices inside which it stays quiet; null when it must be checked at every tick. */
  ranges: PriceRange[] | null;
}

export function assessMargin(state: EngineState, account: AccountState, market: MarketView): MarginAssessment | undefined {
  const measured = state.floatingMemo.measure(account.accountId, () => openPositions(state, account), market);
  if (!measured) return undefined;
  const { weight, positions: count } = measured;
  const metrics = metricsOf(account.balance, account.margin, measured.floating);
  const group = groupOf(state, account);
  const below = (threshold: Fixed) => metrics.marginLevel !== null && metrics.marginLevel <= threshold;
  // What enforceMarginLevels acts on, for an account that keeps its positions: a margin call not yet
  // recorded, one to clear, or a stop-out.
  const quiet = count > 0 && !below(group.stopOutPercent) && account.marginCall === below(group.marginCallPercent);
  return { quiet, ranges: quiet ? bandOf(state, account.accountId, metrics, weight, count, group, market) : null };
}

/** The largest relative price move a band allows: keeps the second-order terms of its bound below 2 %. */
const MAX_BAND_MOVE = parseFixed('0.01');
const CENT = parseFixed('0.01');

/**
 * Price ranges inside which a quiet account stays quiet, or null when it must be checked at every tick.
 *
 * Every price the account depends on may move by a relative δ. A position's profit in account
 * currency is (c − o)·V·k·r (close price c, conversion rate r); with c and r each moving by at most
 * δ' = δ/(1 − δ), it moves by at most V·k·r·(c·δ + |c − o|·δ' + c·δ·δ') ≤ 1.0204·δ·V·k·r·(c + |c − o|)
 * for δ ≤ 1 %. Choosing δ ≤ headroom / (2·Σ V·k·r·(c + |c − o|)) keeps the equity change below
 * half the headroom: the distance from the equity to the nearest threshold (margin-call and
 * stop-out levels × margin), less a cushion for the level's rounding to 0.01 % and the per-position
 * rounding of profits to the cent.
 */
function bandOf(state: EngineState, accountId: number, metrics: AccountMetrics, weight: Fixed, positions: number, group: Group, market: MarketView): PriceRange[] | null {
  const { equity, margin } = metrics;
  if (margin === ZERO) return null;
  const cushion = margin / 10_000n + BigInt(positions + 1) * CENT;
  const headroom = min(distance(equity, group.marginCallPercent, margin), distance(equity, group.stopOutPercent, margin)) - cushion;
  if (headroom <= ZERO) return null;
  const move = min(MAX_BAND_MOVE, (headroom * SCALE) / (2n * weight));
  if (move <= ZERO) return null;

  const ranges: PriceRange[] = [];
  for (const symbol of marginDependencies(state, accountId)) {
    const quote = market.quote(symbol);
    if (!quote) return null;
    const bidRoom = (quote.bid * move) / SCALE; // rounded toward zero: a narrower band, never a wider one
    const askRoom = (quote.ask * move) / SCALE;
    ranges.push({ symbol, bidLow: quote.bid - bidRoom, bidHigh: quote.bid + bidRoom, askLow: quote.ask - askRoom, askHigh: quote.ask + askRoom });
  }
  return ranges;
}

/** How far the equity is from the equity at which the margin level equals `percent`. */
const distance = (equity: Fixed, percent: Fixed, margin: Fixed): Fixed => abs(equity - (percent * margin) / (100n * SCALE));

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
