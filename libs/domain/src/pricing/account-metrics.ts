import type { Instrument } from '../instruments/instrument.js';
import { divInt, ZERO, type Fixed } from '../money/fixed.js';
import { closePriceFor, profitInAccountCurrency, type MarketView, type Side } from './pricing.js';

export interface OpenExposure {
  instrument: Instrument;
  side: Side;
  volume: Fixed;
  openPrice: Fixed;
}

/** Floating profit of a position at the current close-side price; undefined without a price. */
export function floatingProfit(position: OpenExposure, market: MarketView): Fixed | undefined {
  const quote = market.quote(position.instrument.symbol);
  if (!quote) return undefined;
  return profitInAccountCurrency(
    position.side,
    position.openPrice,
    closePriceFor(position.side, quote),
    position.volume,
    position.instrument,
    market,
  );
}

export interface AccountMetrics {
  balance: Fixed;
  floating: Fixed;
  equity: Fixed;
  margin: Fixed;
  freeMargin: Fixed;
  /** equity / margin × 100, in percent with two decimals; null without margin in use. */
  marginLevel: Fixed | null;
}

/**
 * Equity = balance + floating profit; free margin = equity − margin; margin level = equity / margin × 100.
 * Undefined when any open position cannot be priced.
 */
export function accountMetrics(
  balance: Fixed,
  margin: Fixed,
  positions: Iterable<OpenExposure>,
  market: MarketView,
): AccountMetrics | undefined {
  let floating = ZERO;
  for (const position of positions) {
    const profit = floatingProfit(position, market);
    if (profit === undefined) return undefined;
    floating += profit;
  }
  return metricsOf(balance, margin, floating);
}

/** The metrics of an account whose floating profit is known. */
export function metricsOf(balance: Fixed, margin: Fixed, floating: Fixed): AccountMetrics {
  const equity = balance + floating;
  return {
    balance,
    floating,
    equity,
    margin,
    freeMargin: equity - margin,
    marginLevel: margin === ZERO ? null : marginLevel(equity, margin),
  };
}

function marginLevel(equity: Fixed, margin: Fixed): Fixed {
  // equity × 100 / margin, rounded half away from zero to 2 decimals, computed on the scaled integers
  // (divInt rounds symmetrically: bigint `/` truncates toward zero, which mis-rounded a negative equity).
  const cents = divInt(equity * 10_000n, margin); // level in hundredths of a percent
  return cents * 10n ** 6n;
}
