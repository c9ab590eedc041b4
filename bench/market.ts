/** Prices for the benchmarks: every instrument of the catalog, moving as seeded random walks in whole points. */
import { fixedToString, INSTRUMENTS, SCALE_DIGITS, type Fixed, type Instrument, type Quote } from '../libs/domain/src/index.js';
import { SIMULATED_START } from '../apps/price-feed/src/simulated-price-feed.js';
import { seededRandom } from '../libs/platform/src/seeded-random.js';

/** Where each instrument starts and its spread in points (10^-digits): the simulated feed's. */
export const START = SIMULATED_START;

export const SYMBOLS: readonly string[] = INSTRUMENTS.map((i) => i.symbol);

/** 10^(8 − digits): one point of the instrument as a Fixed. */
export const pointOf = (instrument: Instrument): bigint => 10n ** BigInt(SCALE_DIGITS - instrument.digits);

interface Walk {
  instrument: Instrument;
  point: bigint;
  midPoints: number;
  spreadPoints: number;
}

/** One random walk per instrument; `next` moves one symbol by up to ±`stepFraction` of its price. */
export class PriceWalk {
  private readonly walks = new Map<string, Walk>();
  private readonly random: () => number;

  constructor(seed = 42) {
    this.random = seededRandom(seed);
    for (const instrument of INSTRUMENTS) {
      const start = START[instrument.symbol];
      if (!start) throw new Error(`no start price for ${instrument.symbol}: add it to the simulated feed's SIMULATED_START`);
      this.walks.set(instrument.symbol, {
        instrument,
        point: pointOf(instrument),
        midPoints: Math.round(start.price * 10 ** instrument.digits),
        spreadPoints: start.spreadPoints,
      });
    }
  }

  private walk(symbol: string): Walk {
    const walk = this.walks.get(symbol);
    if (!walk) throw new Error(`unknown symbol ${symbol}`);
    return walk;
  }

  /** Moves `symbol` (uniformly within ±stepFraction of its price, at least a point when it moves) and quotes it at `time`. */
  next(symbol: string, time: number, stepFraction: number): Quote {
    const walk = this.walk(symbol);
    const delta = (this.random() * 2 - 1) * stepFraction * walk.midPoints;
    walk.midPoints = Math.max(walk.spreadPoints * 4, walk.midPoints + Math.round(delta));
    return this.quote(symbol, time);
  }

  quote(symbol: string, time: number): Quote {
    const walk = this.walk(symbol);
    const bidPoints = walk.midPoints - Math.floor(walk.spreadPoints / 2);
    const bid = BigInt(bidPoints) * walk.point;
    const ask = BigInt(bidPoints + walk.spreadPoints) * walk.point;
    return { symbol, bid, ask, time };
  }

  all(time: number): Quote[] {
    return SYMBOLS.map((s) => this.quote(s, time));
  }

  /** A price `fraction` away from the current mid (negative: below), on the instrument's point grid. */
  levelAt(symbol: string, fraction: number): Fixed {
    const walk = this.walk(symbol);
    const points = Math.max(1, Math.round(walk.midPoints * (1 + fraction)));
    return BigInt(points) * walk.point;
  }
}

/** The body of `POST /api/v1/admin/ticks` for these quotes (decimal strings, exact). */
export function tickBody(quotes: readonly Quote[]): { symbol: string; bid: string; ask: string }[] {
  return quotes.map((q) => ({ symbol: q.symbol, bid: fixedToString(q.bid), ask: fixedToString(q.ask) }));
}
