import {
  findInstrument,
  hasAtMostDigits,
  isFixedText,
  parseFixed,
  roundTo,
  type Fixed,
  type Instrument,
  type Quote,
} from '../../../libs/domain/src/index.js';

export type TickCheck = { ok: true; tick: Quote } | { ok: false; problem: string };

/**
 * How prices with more decimals than the instrument's digits are handled:
 * - `strict`: refused (a publisher we control should send the instrument's digits);
 * - `round`: bid rounded down and ask rounded up to the digits, so the spread never narrows and
 *   ask ≥ bid holds (exchange tick sizes are not the instrument's).
 */
export type DigitsPolicy = 'strict' | 'round';

const problem = (text: string): TickCheck => ({ ok: false, problem: text });

/** A decimal string as an exact `Fixed`; undefined when it is not a plain decimal with ≤ 8 decimals. */
export function decimalText(value: unknown): Fixed | undefined {
  if (typeof value === 'number') {
    // JSON numbers (JSON-lines replay files): the shortest round-trip literal, as the admin endpoint reads them.
    return Number.isFinite(value) ? decimalText(String(value)) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return isFixedText(text) ? parseFixed(text) : undefined;
}

function toDigits(value: Fixed, instrument: Instrument, policy: DigitsPolicy, side: 'bid' | 'ask'): Fixed | undefined {
  if (hasAtMostDigits(value, instrument.digits)) return value;
  if (policy === 'strict') return undefined;
  return roundTo(value, instrument.digits, side === 'bid' ? 'DOWN' : 'UP');
}

/**
 * Checks one tick from outside (an exchange, an external publisher, a file): a known symbol,
 * positive prices at the instrument's digits, ask ≥ bid, a whole epoch-ms time.
 */
export function checkTick(
  raw: { symbol: unknown; bid: unknown; ask: unknown; time: number },
  feed: string,
  policy: DigitsPolicy,
): TickCheck {
  const instrument = typeof raw.symbol === 'string' ? findInstrument(raw.symbol) : undefined;
  if (!instrument) return problem(`unknown symbol ${JSON.stringify(raw.symbol)}`);
  const bidText = decimalText(raw.bid);
  const askText = decimalText(raw.ask);
  if (bidText === undefined) return problem(`bid ${JSON.stringify(raw.bid)} is not a decimal number`);
  if (askText === undefined) return problem(`ask ${JSON.stringify(raw.ask)} is not a decimal number`);
  const bid = toDigits(bidText, instrument, policy, 'bid');
  const ask = toDigits(askText, instrument, policy, 'ask');
  if (bid === undefined || ask === undefined) return problem(`${instrument.symbol} prices must have at most ${instrument.digits} decimals`);
  if (bid <= 0n || ask <= 0n) return problem('prices must be positive');
  if (ask < bid) return problem('ask is below bid');
  if (!Number.isSafeInteger(raw.time) || raw.time <= 0) return problem(`time ${raw.time} is not epoch milliseconds`);
  return { ok: true, tick: { symbol: instrument.symbol, bid, ask, time: raw.time, feed } };
}

/**
 * Logs a refused tick without flooding: the first few, then one line per `every` refusals.
 */
export class RefusalLog {
  private count = 0;

  constructor(
    private readonly warn: (fields: Record<string, unknown>, message: string) => void,
    private readonly every = 1_000,
  ) {}

  refused(reason: string, fields: Record<string, unknown> = {}): void {
    this.count += 1;
    if (this.count <= 5 || this.count % this.every === 0) this.warn({ ...fields, reason, refused: this.count }, 'tick refused');
  }

  get total(): number {
    return this.count;
  }
}
