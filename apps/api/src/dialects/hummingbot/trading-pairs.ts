import { ValidateBy, type ValidationOptions } from 'class-validator';
import {
  findInstrument,
  fixedFromNumber,
  formatFixed,
  fixedToString,
  INSTRUMENTS,
  isFixedText,
  parseFixed,
  type Fixed,
  type Instrument,
} from '../../../../../libs/domain/src/index.js';

/** The only connector this service is: Hummingbot's `connector_name`. */
export const CONNECTOR_NAME = 'tradestream';

/** `BTC-USD` ↔ `BTCUSD`: Hummingbot names a pair BASE-QUOTE. */
export const pairOf = (instrument: Instrument): string => `${instrument.base}-${instrument.quote}`;

export const TRADING_PAIRS = INSTRUMENTS.map(pairOf);

export function instrumentOfPair(pair: string): Instrument | undefined {
  const match = /^([A-Za-z0-9]+)-([A-Za-z0-9]+)$/.exec(pair);
  return match ? findInstrument(`${match[1]}${match[2]}`.toUpperCase()) : undefined;
}

/** A JSON number or a decimal string, as pydantic's Decimal accepts (at most 8 decimals here). */
export function isDecimalInput(value: unknown): value is number | string {
  if (typeof value === 'number') return Number.isFinite(value) && !/e/i.test(String(value)) && isFixedText(String(value));
  return typeof value === 'string' && isFixedText(value.trim());
}

export function decimalOf(value: number | string): Fixed {
  return typeof value === 'number' ? fixedFromNumber(value) : parseFixed(value.trim());
}

/** A decimal string for a Hummingbot answer: amounts in their shortest exact form. */
export const amountText = (value: Fixed): string => fixedToString(value);

/** A price as a decimal string with the instrument's digits. */
export const priceText = (instrument: Instrument, value: Fixed | string): string =>
  formatFixed(typeof value === 'string' ? parseFixed(value) : value, instrument.digits);

/** Money (account currency) as a decimal string with two decimals. */
export const moneyText = (value: Fixed | string): string => formatFixed(typeof value === 'string' ? parseFixed(value) : value, 2);

/** Base units → lots (BTC-USD: 1 per lot, EUR-USD: 100000, XAU-USD: 100); undefined unless exact. */
export function lotsOf(amount: Fixed, instrument: Instrument): Fixed | undefined {
  return amount % instrument.contractSize === 0n ? amount / instrument.contractSize : undefined;
}

/** Lots → base units. */
export const baseOf = (lots: Fixed, instrument: Instrument): Fixed => lots * instrument.contractSize;

/** class-validator: a JSON number or a decimal string. */
export function IsDecimalValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isDecimal', validator: { validate: (value) => isDecimalInput(value) } }, options);
}

/** class-validator: a decimal greater than 0 (checked after IsDecimalValue). */
export function IsPositiveDecimal(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isPositiveDecimal', validator: { validate: (value) => !isDecimalInput(value) || decimalOf(value) > 0n } }, options);
}
