import { INSTRUMENTS, SCALE_DIGITS, type Instrument, type Quote } from '../../../libs/domain/src/index.js';
import { seededRandom } from '../../../libs/platform/src/seeded-random.js';
import type { FeedStatus, PriceFeed, PublishTick } from './price-feed.port.js';

/** Where each instrument starts and how wide its spread is, in points (10^-digits); the benchmarks start there too. */
export const SIMULATED_START: Record<string, { price: number; spreadPoints: number }> = {
  BTCUSD: { price: 65_000, spreadPoints: 1_500 },
  ETHUSD: { price: 3_200, spreadPoints: 150 },
  SOLUSD: { price: 150, spreadPoints: 60 },
  EURUSD: { price: 1.085, spreadPoints: 8 },
  GBPUSD: { price: 1.27, spreadPoints: 10 },
  USDJPY: { price: 150, spreadPoints: 12 },
  AUDNZD: { price: 1.09, spreadPoints: 20 },
  NZDUSD: { price: 0.61, spreadPoints: 12 },
  XAUUSD: { price: 2_350, spreadPoints: 30 },
};

/** Per-tick volatility (a fraction of the price) by kind of instrument. */
const VOLATILITY = { crypto: 0.0004, forex: 0.00005, metal: 0.0001 } as const;


interface Walk {
  instrument: Instrument;
  /** Mid price in whole points: the walk moves in points, so prices always carry the instrument's digits. */
  midPoints: number;
  spreadPoints: number;
}

/**
 * Every instrument moves as a random walk with a realistic spread, several ticks a second. The walk
 * itself may use floating point (it only invents prices); every price it emits is an exact number
 * of points converted to the domain's fixed-point scale.
 */
export class SimulatedPriceFeed implements PriceFeed {
  readonly name = 'simulated';
  private timer?: NodeJS.Timeout;
  private ticks = 0;
  private lastTickAt: number | null = null;
  private readonly random: () => number;
  private readonly walks: Walk[];

  constructor(
    private readonly options: { intervalMs?: number; seed?: number; clock?: () => number } = {},
  ) {
    this.random = seededRandom(options.seed ?? Date.now());
    this.walks = INSTRUMENTS.map((instrument) => {
      const start = SIMULATED_START[instrument.symbol] ?? { price: 100, spreadPoints: 10 };
      return {
        instrument,
        midPoints: Math.round(start.price * 10 ** instrument.digits),
        spreadPoints: start.spreadPoints,
      };
    });
  }

  start(publish: PublishTick): void {
    const clock = this.options.clock ?? Date.now;
    const emitAll = () => {
      const time = clock();
      for (const walk of this.walks) void publish(this.step(walk, time));
      this.ticks += this.walks.length;
      this.lastTickAt = time;
    };
    emitAll();
    this.timer = setInterval(emitAll, this.options.intervalMs ?? 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ticks every 250 ms for every instrument while running: its prices never go stale. */
  status(): FeedStatus {
    return { feed: this.name, state: this.timer ? 'connected' : 'idle', ticks: this.ticks, lastTickAt: this.lastTickAt };
  }

  private step(walk: Walk, time: number): Quote {
    // Box–Muller normal step, scaled by the instrument's volatility.
    const u = Math.max(this.random(), Number.EPSILON);
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
    const move = Math.round(normal * VOLATILITY[walk.instrument.category] * walk.midPoints);
    walk.midPoints = Math.max(walk.spreadPoints * 10, walk.midPoints + move);
    const half = Math.floor(walk.spreadPoints / 2);
    const bidPoints = walk.midPoints - half;
    const askPoints = bidPoints + walk.spreadPoints;
    const pointsToFixed = (points: number) => BigInt(points) * 10n ** BigInt(SCALE_DIGITS - walk.instrument.digits);
    return { symbol: walk.instrument.symbol, bid: pointsToFixed(bidPoints), ask: pointsToFixed(askPoints), time, feed: this.name };
  }
}
