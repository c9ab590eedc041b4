import type { Instrument } from '../instruments/instrument.js';
import { div, mul, roundMoney, type Fixed } from '../money/fixed.js';

export type Side = 'BUY' | 'SELL';

export const ACCOUNT_CURRENCY = 'USD';

export interface Quote {
  symbol: string;
  bid: Fixed;
  ask: Fixed;
  /** Epoch milliseconds of the price source. */
  time: number;
  /** The feed that produced it (`simulated`, `binance`, `redis`, `replay`, `admin`); absent when unknown. */
  feed?: string;
}

/** Latest prices, as the engine (or a reader) knows them. */
export interface MarketView {
  quote(symbol: string): Quote | undefined;
}

/** A BUY opens at the ask and closes at the bid; a SELL the other way round. */
export function openPriceFor(side: Side, quote: Quote): Fixed {
  return side === 'BUY' ? quote.ask : quote.bid;
}

export function closePriceFor(side: Side, quote: Quote): Fixed {
  return side === 'BUY' ? quote.bid : quote.ask;
}

export function mid(quote: Quote): Fixed {
  // bid + ask has at most the instrument's digits; halving adds one decimal, well inside the scale.
  return (quote.bid + quote.ask) / 2n;
}

/** (close − open) × volume × contract size, negated for a SELL; exact, in the quote currency. */
export function profitInQuoteCurrency(
  side: Side,
  openPrice: Fixed,
  closePrice: Fixed,
  volume: Fixed,
  instrument: Instrument,
): Fixed {
  const move = side === 'BUY' ? closePrice - openPrice : openPrice - closePrice;
  return mul(move, volume) * instrument.contractSize;
}

/**
 * Converts an amount into the account currency (USD) at the mid price of the pair that links the
 * two currencies (NZDUSD for NZD, USDJPY for JPY). Undefined when that pair has no price.
 */
export function toAccountCurrency(amount: Fixed, currency: string, market: MarketView): Fixed | undefined {
  if (currency === ACCOUNT_CURRENCY) return amount;
  const [directSymbol, inverseSymbol] = linkingPairs(currency);
  const direct = market.quote(directSymbol);
  if (direct) return mul(amount, mid(direct));
  const inverse = market.quote(inverseSymbol);
  if (inverse) return div(amount, mid(inverse));
  return undefined;
}

const LINKING_PAIRS = new Map<string, [direct: string, inverse: string]>();
/** NZD → [NZDUSD, USDNZD]: the pairs that may convert it, built once per currency (no string building per conversion). */
export function linkingPairs(currency: string): [direct: string, inverse: string] {
  let pairs = LINKING_PAIRS.get(currency);
  if (!pairs) LINKING_PAIRS.set(currency, (pairs = [`${currency}${ACCOUNT_CURRENCY}`, `${ACCOUNT_CURRENCY}${currency}`]));
  return pairs;
}

/** Realized or floating profit in account currency, rounded to the cent (half away from zero). */
export function profitInAccountCurrency(
  side: Side,
  openPrice: Fixed,
  closePrice: Fixed,
  volume: Fixed,
  instrument: Instrument,
  market: MarketView,
): Fixed | undefined {
  const inQuote = profitInQuoteCurrency(side, openPrice, closePrice, volume, instrument);
  const converted = toAccountCurrency(inQuote, instrument.quote, market);
  return converted === undefined ? undefined : roundMoney(converted);
}

/** volume × contract size × open price / leverage, in account currency, rounded to the cent. */
export function requiredMargin(
  volume: Fixed,
  openPrice: Fixed,
  leverage: number,
  instrument: Instrument,
  market: MarketView,
): Fixed | undefined {
  const notional = mul(volume, openPrice) * instrument.contractSize;
  const converted = toAccountCurrency(notional, instrument.quote, market);
  if (converted === undefined) return undefined;
  return roundMoney(converted / BigInt(leverage));
}
