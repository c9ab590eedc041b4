import { findInstrument, fixedToNumber, parseFixed, type Fixed } from '../../../../libs/domain/src/index.js';

/** A price as a JSON number with the instrument's digits. */
export function priceNumber(symbol: string, value: Fixed | string | null): number | null {
  if (value === null) return null;
  const digits = findInstrument(symbol)?.digits ?? 5;
  return fixedToNumber(typeof value === 'string' ? parseFixed(value) : value, digits);
}

/** Money as a JSON number with two decimals. */
export function moneyNumber(value: Fixed | string): number {
  return fixedToNumber(typeof value === 'string' ? parseFixed(value) : value, 2);
}

/** A volume as a JSON number (volumes carry at most 8 decimals). */
export function volumeNumber(value: string): number {
  return Number(value);
}
