/**
 * Engine state for the in-process benchmarks, built the way a replay builds it: domain events
 * folded with `evolve` (accounts with a deposit, open positions with TP/SL, pending entry orders
 * with TP/SL), over every instrument, from a seed, so two builds are identical.
 */
import {
  evolve,
  findInstrument,
  fixedToString,
  initialState,
  PriceBoard,
  requiredMargin,
  type EngineState,
  type Fixed,
  type PendingOrderType,
  type PlaceOrder,
  type Side,
} from '../libs/domain/src/index.js';
import { pointOf, PriceWalk, SYMBOLS } from './market.js';
import { seededRandom } from '../libs/platform/src/seeded-random.js';
import { intBetween } from './stats.js';

/**
 * The `i`-th 0.01-lot market order (leverage 100, no TP/SL) the order benchmarks send through the
 * engine: its symbol and side turn with `i`, so consecutive orders cover every instrument.
 */
export function benchMarketOrder(i: number, account: { userId: number; accountId: number }, commandId: string, deadline: number): PlaceOrder {
  return {
    type: 'PlaceOrder',
    commandId,
    userId: account.userId,
    accountId: account.accountId,
    symbol: SYMBOLS[i % SYMBOLS.length]!,
    side: i % 2 === 0 ? 'BUY' : 'SELL',
    volume: '0.01',
    leverage: 100,
    takeProfit: null,
    stopLoss: null,
    slippage: null,
    clientId: null,
    comment: null,
    magic: null,
    deadline,
  };
}

export const ACCOUNT_BASE = 100_000;
export const ORDER_BASE = 1_000_000;
const BALANCE = '1000000';
const ENTRY_TYPES: readonly PendingOrderType[] = ['BUY_LIMIT', 'SELL_LIMIT', 'BUY_STOP', 'SELL_STOP', 'BUY_STOP_LIMIT', 'SELL_STOP_LIMIT'];

export interface PopulationOptions {
  accounts: number;
  seed: number;
  /** TP/SL and entry distances from the market, as fractions of the price (uniform in [min, max]). */
  minDistance: number;
  maxDistance: number;
  /** Share of pending orders with a specified expiry (within `expiryWindowMs` of their placement). */
  expiringShare: number;
  expiryWindowMs: number;
}

export const DEFAULT_POPULATION: Omit<PopulationOptions, 'accounts' | 'seed'> = {
  minDistance: 0,
  maxDistance: 0.02,
  expiringShare: 0.1,
  expiryWindowMs: 10 * 60_000,
};

let isoCache = { ms: NaN, text: '' };
/** ISO time of `ms`; the last one is cached (a whole book is often built at one instant). */
const iso = (ms: number) => {
  if (isoCache.ms !== ms) isoCache = { ms, text: new Date(ms).toISOString() };
  return isoCache.text;
};

/** `reference` moved by `fraction` (negative: down), on the instrument's point grid, at least one point. */
function levelFrom(reference: Fixed, fraction: number, point: bigint): Fixed {
  const moved = reference + (reference * BigInt(Math.round(fraction * 1e8))) / 100_000_000n;
  const onGrid = fraction >= 0 ? ((moved + point - 1n) / point) * point : (moved / point) * point;
  if (onGrid === reference) return fraction >= 0 ? reference + point : reference - point;
  return onGrid;
}

/**
 * Accounts, positions and pending orders arriving as events. Everything is seeded: the same options
 * and the same calls give the same state.
 */
export class Population {
  readonly state: EngineState;
  readonly market = new PriceBoard();
  readonly walk: PriceWalk;
  private readonly random: () => number;
  private nextOrderId = ORDER_BASE;
  private readonly options: PopulationOptions;

  constructor(options: Partial<PopulationOptions> & { accounts: number; seed: number }, state: EngineState = initialState()) {
    this.options = { ...DEFAULT_POPULATION, ...options };
    this.state = state;
    this.random = seededRandom(this.options.seed);
    this.walk = new PriceWalk(this.options.seed + 1);
  }

  /** Users, accounts (1:100, demo group) and their opening deposits, at time `now`. */
  openAccounts(now: number): void {
    const at = iso(now);
    for (let i = 1; i <= this.options.accounts; i++) {
      const accountId = ACCOUNT_BASE + i;
      evolve(this.state, { type: 'UserRegistered', data: { userId: i, email: `bench.${i}@example.com`, passwordHash: '$argon2id$bench', registeredAt: at } });
      evolve(this.state, {
        type: 'AccountOpened',
        data: { accountId, userId: i, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: at },
      });
      evolve(this.state, {
        type: 'BalanceChanged',
        data: { accountId, kind: 'DEPOSIT', amount: BALANCE, balance: BALANCE, comment: 'Initial deposit', changedAt: at },
      });
    }
  }

  /** Quotes every instrument at `now` (the board the engine decides against). */
  quoteAll(now: number): void {
    for (const quote of this.walk.all(now)) this.market.update(quote);
  }

  private account(): number {
    return ACCOUNT_BASE + intBetween(this.random, 1, this.options.accounts);
  }

  private symbol(): string {
    return SYMBOLS[intBetween(this.random, 0, SYMBOLS.length - 1)]!;
  }

  private distance(): number {
    const { minDistance, maxDistance } = this.options;
    return minDistance + this.random() * (maxDistance - minDistance);
  }

  private volume(): Fixed {
    return BigInt(intBetween(this.random, 1, 100)) * 1_000_000n; // 0.01 … 1.00 lot
  }

  /** A market position opened now at the current quote, with a TP and an SL around it. */
  openPosition(now: number): number {
    const accountId = this.account();
    const symbol = this.symbol();
    const instrument = findInstrument(symbol)!;
    const side: Side = this.random() < 0.5 ? 'BUY' : 'SELL';
    const quote = this.market.quote(symbol)!;
    const openPrice = side === 'BUY' ? quote.ask : quote.bid;
    const volume = this.volume();
    const leverage = Math.min(100, instrument.maxLeverage);
    const margin = requiredMargin(volume, openPrice, leverage, instrument, this.market)!;
    // Valid stops: a BUY closes on the bid (TP above it, SL below), a SELL on the ask.
    const point = pointOf(instrument);
    const reference = side === 'BUY' ? quote.bid : quote.ask;
    const up = levelFrom(reference, this.distance(), point);
    const down = levelFrom(reference, -this.distance(), point);
    const orderId = ++this.nextOrderId;
    const account = this.state.accounts.get(accountId)!;
    const level = (v: Fixed) => fixedToString(v);
    evolve(this.state, {
      type: 'PositionOpened',
      data: {
        accountId,
        orderId,
        symbol,
        side,
        volume: fixedToString(volume),
        openPrice: fixedToString(openPrice),
        leverage,
        margin: fixedToString(margin),
        takeProfit: level(side === 'BUY' ? up : down),
        stopLoss: level(side === 'BUY' ? down : up),
        openTime: iso(now),
        orderType: 'MARKET',
        commission: '0',
        balance: fixedToString(account.balance),
        quote: { bid: fixedToString(quote.bid), ask: fixedToString(quote.ask), time: iso(quote.time) },
        clientId: null,
        comment: null,
        magic: null,
      },
    });
    return orderId;
  }

  /** A pending entry (limit, stop or stop-limit) on the side of the market where it rests, with TP/SL around its fill. */
  placeOrder(now: number): number {
    const accountId = this.account();
    const symbol = this.symbol();
    const instrument = findInstrument(symbol)!;
    const orderType = ENTRY_TYPES[intBetween(this.random, 0, ENTRY_TYPES.length - 1)]!;
    const side: Side = orderType.startsWith('BUY') ? 'BUY' : 'SELL';
    // Where entries rest: buy limits below the ask, buy stops above it, sell limits above the bid,
    // sell stops below it; a stop-limit's limit on the near side of its stop.
    const quote = this.market.quote(symbol)!;
    const point = pointOf(instrument);
    const above = orderType === 'SELL_LIMIT' || orderType === 'BUY_STOP' || orderType === 'BUY_STOP_LIMIT';
    const entryDistance = this.distance();
    const market = side === 'BUY' ? quote.ask : quote.bid;
    const price = levelFrom(market, above ? entryDistance : -entryDistance, point);
    const stopLimit = orderType === 'BUY_STOP_LIMIT' || orderType === 'SELL_STOP_LIMIT'
      ? levelFrom(market, above ? entryDistance * 0.9 : -entryDistance * 0.9, point)
      : null;
    // TP/SL around the price the order fills at.
    const reference = stopLimit ?? price;
    const up = levelFrom(reference, this.distance(), point);
    const down = levelFrom(reference, -this.distance(), point);
    const expiring = this.random() < this.options.expiringShare;
    const orderId = ++this.nextOrderId;
    evolve(this.state, {
      type: 'OrderPlaced',
      data: {
        accountId,
        orderId,
        symbol,
        orderType,
        side,
        volume: fixedToString(this.volume()),
        price: fixedToString(price),
        stopLimitPrice: stopLimit === null ? null : fixedToString(stopLimit),
        leverage: Math.min(100, instrument.maxLeverage),
        takeProfit: fixedToString(side === 'BUY' ? up : down),
        stopLoss: fixedToString(side === 'BUY' ? down : up),
        expiration: expiring
          ? { type: 'SPECIFIED', at: iso(now + intBetween(this.random, 1_000, this.options.expiryWindowMs)) }
          : { type: 'GTC', at: null },
        placedAt: iso(now),
        clientId: null,
        comment: null,
        magic: null,
      },
    });
    return orderId;
  }

  /** Tops the book back up to `positions` open positions and `orders` pending orders. */
  topUp(positions: number, orders: number, now: number): { positions: number; orders: number } {
    let p = 0;
    let o = 0;
    while (this.state.positions.size < positions) {
      this.openPosition(now);
      p++;
    }
    while (this.state.orders.size < orders) {
      this.placeOrder(now);
      o++;
    }
    return { positions: p, orders: o };
  }
}
