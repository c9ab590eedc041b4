import {
  findInstrument,
  fixedToNumber,
  parseFixed,
  SCALE_DIGITS,
  toAccountCurrency,
  type Fixed,
  type Instrument,
  type MarketView,
} from '../../../../../../libs/domain/src/index.js';

/** Our broker's clock is UTC: `brokerTime` is the same instant as `time`, written `YYYY-MM-DD HH:mm:ss.SSS`. */
export function brokerTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 23);
}

/** A price as a JSON number with the instrument's digits. */
export function price(symbol: string, value: Fixed | string): number {
  return fixedToNumber(typeof value === 'string' ? parseFixed(value) : value, findInstrument(symbol)?.digits ?? 5);
}

export function optionalPrice(symbol: string, value: string | null): number | undefined {
  return value === null ? undefined : price(symbol, value);
}

/** Money as a JSON number with two decimals. */
export function money(value: Fixed | string): number {
  return fixedToNumber(typeof value === 'string' ? parseFixed(value) : value, 2);
}

export function volume(value: string): number {
  return fixedToNumber(parseFixed(value), SCALE_DIGITS);
}

/**
 * What a move of one point (10^-digits) is worth for one lot, in the account currency: MT5's tick
 * value (our tick size is the point). Undefined when the quote currency has no conversion price.
 */
export function tickValue(instrument: Instrument, market: MarketView): number | undefined {
  const point = 10n ** BigInt(SCALE_DIGITS - instrument.digits);
  const value = toAccountCurrency(point * instrument.contractSize, instrument.quote, market);
  return value === undefined ? undefined : fixedToNumber(value, SCALE_DIGITS);
}

/** Drops the fields whose value is undefined (MetaApi leaves optional fields out rather than null). */
export function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
