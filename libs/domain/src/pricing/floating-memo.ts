import { ZERO, type Fixed } from '../money/fixed.js';
import { floatingProfit, type OpenExposure } from './account-metrics.js';
import { ACCOUNT_CURRENCY, type MarketView, type Quote } from './pricing.js';

/** The prices a symbol's floating profit was summed at: its own and those of its conversion pairs. */
interface PricedAt {
  bid: Fixed;
  ask: Fixed;
  direct: Quote | undefined;
  inverse: Quote | undefined;
}

interface SymbolFloating {
  symbol: string;
  /** Conversion pairs of the quote currency (none for USD-quoted instruments). */
  direct: string | null;
  inverse: string | null;
  positions: OpenExposure[];
  pricedAt: PricedAt | null;
  sum: Fixed;
}

const samePrice = (a: Quote | undefined, b: Quote | undefined) => a === b || (a !== undefined && b !== undefined && a.bid === b.bid && a.ask === b.ask);

/**
 * Per account, the floating profit of its open positions grouped by symbol, and the prices each
 * group was summed at. An order's margin check needs the account's floating profit; with it, an
 * account holding hundreds of positions costs one comparison per symbol between ticks instead of
 * re-pricing every position. Exact: a group is summed again (per position, rounded to the cent,
 * as `floatingProfit` does) whenever one of its prices differs, and an account is forgotten
 * whenever its positions change. A cache, not state: not in snapshots, never compared.
 */
export class FloatingMemo {
  private readonly accounts = new Map<number, Map<string, SymbolFloating>>();

  /** The account's positions changed (opened, closed, partly closed). */
  forget(accountId: number): void {
    this.accounts.delete(accountId);
  }

  /** Σ floating profit of the positions at the market's prices; undefined when one cannot be priced. */
  floating(accountId: number, positions: () => Iterable<OpenExposure>, market: MarketView): Fixed | undefined {
    let groups = this.accounts.get(accountId);
    if (!groups) this.accounts.set(accountId, (groups = groupBySymbol(positions())));
    let total = ZERO;
    for (const group of groups.values()) {
      const quote = market.quote(group.symbol);
      if (!quote) return undefined;
      const direct = group.direct === null ? undefined : market.quote(group.direct);
      const inverse = group.inverse === null ? undefined : market.quote(group.inverse);
      const at = group.pricedAt;
      if (!at || at.bid !== quote.bid || at.ask !== quote.ask || !samePrice(at.direct, direct) || !samePrice(at.inverse, inverse)) {
        let sum = ZERO;
        for (const position of group.positions) {
          const profit = floatingProfit(position, market);
          if (profit === undefined) {
            group.pricedAt = null;
            return undefined;
          }
          sum += profit;
        }
        group.sum = sum;
        group.pricedAt = { bid: quote.bid, ask: quote.ask, direct, inverse };
      }
      total += group.sum;
    }
    return total;
  }
}

function groupBySymbol(positions: Iterable<OpenExposure>): Map<string, SymbolFloating> {
  const groups = new Map<string, SymbolFloating>();
  for (const position of positions) {
    const { symbol, quote } = position.instrument;
    let group = groups.get(symbol);
    if (!group) {
      const converted = quote !== ACCOUNT_CURRENCY;
      group = {
        symbol,
        direct: converted ? `${quote}${ACCOUNT_CURRENCY}` : null,
        inverse: converted ? `${ACCOUNT_CURRENCY}${quote}` : null,
        positions: [],
        pricedAt: null,
        sum: ZERO,
      };
      groups.set(symbol, group);
    }
    group.positions.push(position);
  }
  return groups;
}
