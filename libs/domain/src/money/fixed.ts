/**
 * Exact decimal arithmetic on scaled integers.
 *
 * Every price, volume and money amount in the domain is a `Fixed`: a bigint holding the value
 * multiplied by 10^8. Eight decimals cover every instrument's digits (at most 5), volume steps
 * (0.01 lot) and their products without loss; results are rounded only where the business says so
 * (money to cents). Binary floating point never takes part in the arithmetic.
 */
export type Fixed = bigint;

export const SCALE_DIGITS = 8;
export const SCALE = 10n ** BigInt(SCALE_DIGITS);
export const ZERO: Fixed = 0n;
export const ONE: Fixed = SCALE;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

export type Rounding = 'HALF_UP' | 'DOWN' | 'UP';

export class InvalidDecimalError extends Error {
  constructor(readonly input: string) {
    super(`Not a decimal number: ${JSON.stringify(input)}`);
    this.name = 'InvalidDecimalError';
  }
}

/** Parses a plain decimal string ("42000.5", "-0.01"). More than 8 decimals is an error, never rounded. */
export function parseFixed(text: string): Fixed {
  return parseSmallFixed(text) ?? parseAnyFixed(text);
}

/** Scaled values below this are exact in a double's integer range (2^53 ≈ 9.007 × 10^15). */
const SMALL_LIMIT = 1e15;
const CODE_0 = 48;
const CODE_9 = 57;
const CODE_DOT = 46;
const CODE_MINUS = 45;
const CODE_PLUS = 43;
const POW10 = [1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];

/**
 * The same grammar read digit by digit into a double, where every step is an integer below 2^53
 * and so exact: one bigint made instead of two and their product (events and snapshots are full
 * of prices, a replay parses millions). Undefined, to take the general path, for anything else:
 * malformed text (which the general path refuses), too many decimals, or values too large.
 */
function parseSmallFixed(text: string): Fixed | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === CODE_MINUS || first === CODE_PLUS) {
    negative = first === CODE_MINUS;
    i = 1;
  }
  let value = 0;
  let wholeDigits = 0;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < CODE_0 || code > CODE_9) break;
    value = value * 10 + (code - CODE_0);
    wholeDigits++;
  }
  if (wholeDigits === 0) return undefined;
  let fractionDigits = 0;
  if (i < length) {
    if (text.charCodeAt(i) !== CODE_DOT) return undefined;
    for (i += 1; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code < CODE_0 || code > CODE_9 || fractionDigits === SCALE_DIGITS) return undefined;
      value = value * 10 + (code - CODE_0);
      fractionDigits++;
    }
    if (fractionDigits === 0) return undefined;
  }
  // value < 10^15 before scaling keeps every intermediate above exact; the product is too.
  if (value >= SMALL_LIMIT / POW10[fractionDigits]!) return undefined;
  const scaled = BigInt(value * POW10[fractionDigits]!);
  return negative ? -scaled : scaled;
}

function parseAnyFixed(text: string): Fixed {
  const match = DECIMAL.exec(text);
  if (!match) throw new InvalidDecimalError(text);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > SCALE_DIGITS) throw new InvalidDecimalError(text);
  const value = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(SCALE_DIGITS, '0'));
  return sign === '-' ? -value : value;
}

/**
 * Converts a JSON number as the client wrote it. `String(n)` yields the shortest decimal that
 * round-trips to the same double, which is the literal the client typed for any value with up to
 * 15 significant digits; exponent forms and non-finite values are refused.
 */
export function fixedFromNumber(value: number): Fixed {
  if (!Number.isFinite(value)) throw new InvalidDecimalError(String(value));
  return parseFixed(String(value));
}

/** Reads a value that is either a JSON number or a decimal string. */
export function fixedOf(value: number | string): Fixed {
  return typeof value === 'number' ? fixedFromNumber(value) : parseFixed(value);
}

export function isFixedText(text: string): boolean {
  const match = DECIMAL.exec(text);
  return match !== null && (match[3] ?? '').length <= SCALE_DIGITS;
}

/** Decimal string with exactly `digits` decimals (the value must already be at that precision or is rounded half-up). */
export function formatFixed(value: Fixed, digits = 2): string {
  const rounded = roundTo(value, digits, 'HALF_UP');
  const negative = rounded < 0n;
  const abs = negative ? -rounded : rounded;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE).toString().padStart(SCALE_DIGITS, '0').slice(0, digits);
  const body = digits > 0 ? `${whole}.${fraction}` : `${whole}`;
  return negative ? `-${body}` : body;
}

/** Shortest decimal string of the exact value ("0.5", "42000", "-1.25"): the form stored in events. */
export function fixedToString(value: Fixed): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE).toString().padStart(SCALE_DIGITS, '0').replace(/0+$/, '');
  const body = fraction ? `${whole}.${fraction}` : `${whole}`;
  return negative ? `-${body}` : body;
}

/** The value as a JSON number, for dialects that render numbers (exact for ≤ 15 significant digits). */
export function fixedToNumber(value: Fixed, digits: number): number {
  return Number(formatFixed(value, digits));
}

/** Integer division with an explicit rounding rule; the sign is handled symmetrically. */
function divRound(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  const r = n % d;
  if (r !== 0n) {
    if (rounding === 'UP' || (rounding === 'HALF_UP' && r * 2n >= d)) q += 1n;
  }
  return negative ? -q : q;
}

export function mul(a: Fixed, b: Fixed, rounding: Rounding = 'HALF_UP'): Fixed {
  return divRound(a * b, SCALE, rounding);
}

export function div(a: Fixed, b: Fixed, rounding: Rounding = 'HALF_UP'): Fixed {
  return divRound(a * SCALE, b, rounding);
}

export function mulInt(a: Fixed, n: number | bigint): Fixed {
  return a * BigInt(n);
}

export function divInt(a: Fixed, n: number | bigint, rounding: Rounding = 'HALF_UP'): Fixed {
  return divRound(a, BigInt(n), rounding);
}

/** Rounds to `digits` decimals (money: 2), staying a Fixed. HALF_UP rounds half away from zero. */
export function roundTo(value: Fixed, digits: number, rounding: Rounding = 'HALF_UP'): Fixed {
  const unit = UNITS[digits] ?? 10n ** BigInt(SCALE_DIGITS - digits);
  return divRound(value, unit, rounding) * unit;
}

/** 10^(8 − digits) for 0…8 digits, made once: rounding money to the cent is on every hot path. */
const UNITS: readonly bigint[] = Array.from({ length: SCALE_DIGITS + 1 }, (_, digits) => 10n ** BigInt(SCALE_DIGITS - digits));

export function roundMoney(value: Fixed): Fixed {
  return roundTo(value, 2, 'HALF_UP');
}

/** True when the value has no more than `digits` decimals. */
export function hasAtMostDigits(value: Fixed, digits: number): boolean {
  return value % 10n ** BigInt(SCALE_DIGITS - digits) === 0n;
}

export const min = (a: Fixed, b: Fixed): Fixed => (a < b ? a : b);
export const max = (a: Fixed, b: Fixed): Fixed => (a > b ? a : b);
export const abs = (a: Fixed): Fixed => (a < 0n ? -a : a);
