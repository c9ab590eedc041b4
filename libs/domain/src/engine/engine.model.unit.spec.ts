/**
 * Model-based property test: random sequences of commands and ticks go through the real engine
 * (decide + evolve) and through a small reference model written here, independently, from the
 * documented rules (API.md): plain maps of balances, positions and pending orders, exact rational
 * arithmetic rounded once to the cent. After every step both must agree on balances, open positions
 * (and their margin), pending orders, margin-call flags and every result code; and the engine's own
 * events must conserve money exactly.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  decide,
  evolve,
  fixedToString,
  initialState,
  type DomainEvent,
  type EngineCommand,
  type EngineState,
  type ExpirationType,
  type MarketView,
  type PendingOrderType,
  type Quote,
  type ResultCode,
} from '../index.js';
import { withoutCaches } from '../testing/decider-spec.js';

// ---------------------------------------------------------------------------------------------
// Exact arithmetic on the 10^8 scale (prices, volumes and money are integers of 10^-8)
// ---------------------------------------------------------------------------------------------

const SCALE = 100_000_000n;
const CENT = 1_000_000n; // 0.01
const DAY_MS = 86_400_000;

/** n / d rounded to the nearest integer, halves away from zero. */
function roundDiv(n: bigint, d: bigint): bigint {
  if (d < 0n) return roundDiv(-n, -d);
  const negative = n < 0n;
  const a = negative ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return negative ? -q : q;
}

/** The money amount n / d (in 10^-8 units) rounded half away from zero to the cent. */
const toCents = (n: bigint, d: bigint): bigint => roundDiv(n, d * CENT) * CENT;

const text = (value: bigint | null): string | null => (value === null ? null : fixedToString(value));

// ---------------------------------------------------------------------------------------------
// Instruments as the model knows them (written out, not read from the catalog)
// ---------------------------------------------------------------------------------------------

type Sym = 'BTCUSD' | 'EURUSD' | 'AUDNZD' | 'NZDUSD';
type Traded = Exclude<Sym, 'NZDUSD'>;
const TRADED: readonly Traded[] = ['BTCUSD', 'EURUSD', 'AUDNZD'];
const SYMBOLS: readonly Sym[] = ['BTCUSD', 'EURUSD', 'AUDNZD', 'NZDUSD'];

interface Spec {
  contract: bigint;
  /** NZD profit and margin are converted at the NZDUSD mid. */
  quote: 'USD' | 'NZD';
  /** Smallest price step (10^-digits). */
  point: bigint;
  /** How far one unit of a random move goes. */
  unit: bigint;
  spread: bigint;
  start: bigint;
  floor: bigint;
}
const SPEC: Record<Sym, Spec> = {
  BTCUSD: { contract: 1n, quote: 'USD', point: 1_000_000n, unit: 20n * SCALE, spread: 50_000_000n, start: 42_000n * SCALE, floor: 20_000n * SCALE },
  EURUSD: { contract: 100_000n, quote: 'USD', point: 1_000n, unit: 20_000n, spread: 10_000n, start: 108_500_000n, floor: 50_000_000n },
  AUDNZD: { contract: 100_000n, quote: 'NZD', point: 1_000n, unit: 20_000n, spread: 10_000n, start: 109_000_000n, floor: 50_000_000n },
  NZDUSD: { contract: 100_000n, quote: 'USD', point: 1_000n, unit: 20_000n, spread: 10_000n, start: 61_000_000n, floor: 30_000_000n },
};

const STALE_MS = 30_000;
const START = Date.parse('2026-03-03T22:00:00.000Z'); // two hours before a UTC midnight
const ANN = { userId: 1, accountId: 100_001 };
const BOB = { userId: 2, accountId: 100_002 };
const ACCOUNTS = [ANN, BOB] as const;

// ---------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------

type Side = 'BUY' | 'SELL';
interface MQuote {
  bid: bigint;
  ask: bigint;
  time: number;
}
interface MAccount {
  accountId: number;
  balance: bigint;
  commissionPerLot: bigint;
  /** Levels in hundredths of a percent. */
  marginCallAt: bigint;
  stopOutAt: bigint;
  marginCall: boolean;
  /** MarginCallTriggered and MarginCallCleared events expected so far. */
  calls: number;
  clears: number;
}
interface MPosition {
  id: number;
  accountId: number;
  symbol: Traded;
  side: Side;
  volume: bigint;
  openPrice: bigint;
  leverage: number;
  margin: bigint;
  tp: bigint | null;
  sl: bigint | null;
}
interface MOrder {
  id: number;
  accountId: number;
  symbol: Traded;
  type: PendingOrderType;
  side: Side;
  volume: bigint;
  price: bigint;
  stopLimit: bigint | null;
  leverage: number;
  tp: bigint | null;
  sl: bigint | null;
  expiresAt: number | null;
}

const sideOf = (type: PendingOrderType): Side => (type.startsWith('BUY') ? 'BUY' : 'SELL');
const endOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;

class Model {
  readonly accounts = new Map<number, MAccount>();
  readonly positions = new Map<number, MPosition>();
  readonly orders = new Map<number, MOrder>();
  readonly quotes = new Map<Sym, MQuote>();
  nextId = 1_000_001;
  now = START;

  // -- pricing ---------------------------------------------------------------------------------

  /** Profit in USD of `volume` closed at `close`: (close − open) × volume × contract, × NZDUSD mid for NZD. */
  profit(p: { symbol: Traded; side: Side; openPrice: bigint }, close: bigint, volume: bigint): bigint {
    const spec = SPEC[p.symbol];
    const move = p.side === 'BUY' ? close - p.openPrice : p.openPrice - close;
    const inQuote = move * volume * spec.contract; // / SCALE
    if (spec.quote === 'USD') return toCents(inQuote, SCALE);
    const nzd = this.quotes.get('NZDUSD')!;
    return toCents(inQuote * (nzd.bid + nzd.ask), SCALE * 2n * SCALE);
  }

  /** volume × contract × price / leverage in USD. */
  margin(symbol: Traded, volume: bigint, price: bigint, leverage: number): bigint {
    const spec = SPEC[symbol];
    const notional = volume * price * spec.contract; // / SCALE
    if (spec.quote === 'USD') return toCents(notional, SCALE * BigInt(leverage));
    const nzd = this.quotes.get('NZDUSD')!;
    return toCents(notional * (nzd.bid + nzd.ask), SCALE * 2n * SCALE * BigInt(leverage));
  }

  closePrice(p: { symbol: Traded; side: Side }): bigint {
    const q = this.quotes.get(p.symbol)!;
    return p.side === 'BUY' ? q.bid : q.ask;
  }

  positionsOf(accountId: number): MPosition[] {
    return [...this.positions.values()].filter((p) => p.accountId === accountId).sort((a, b) => a.id - b.id);
  }

  ordersOf(accountId: number): MOrder[] {
    return [...this.orders.values()].filter((o) => o.accountId === accountId).sort((a, b) => a.id - b.id);
  }

  equity(accountId: number): bigint {
    let equity = this.accounts.get(accountId)!.balance;
    for (const p of this.positionsOf(accountId)) equity += this.profit(p, this.closePrice(p), p.volume);
    return equity;
  }

  usedMargin(accountId: number): bigint {
    return this.positionsOf(accountId).reduce((sum, p) => sum + p.margin, 0n);
  }

  /** Margin level in hundredths of a percent; null without margin in use. */
  level(accountId: number): bigint | null {
    const margin = this.usedMargin(accountId);
    return margin === 0n ? null : roundDiv(this.equity(accountId) * 10_000n, margin);
  }

  fresh(symbol: Sym): boolean {
    const q = this.quotes.get(symbol);
    return q !== undefined && this.now - q.time <= STALE_MS;
  }

  /** A BUY's TP above the reference and its SL below it; a SELL the other way round. */
  stopsOk(side: Side, tp: bigint | null, sl: bigint | null, reference: bigint): boolean {
    const tpOk = tp === null || (side === 'BUY' ? tp > reference : tp < reference);
    const slOk = sl === null || (side === 'BUY' ? sl < reference : sl > reference);
    return tpOk && slOk;
  }

  /** Margin and commission for a fill, or null when free margin does not cover both. */
  afford(accountId: number, symbol: Traded, volume: bigint, price: bigint, leverage: number): { margin: bigint; commission: bigint } | null {
    const account = this.accounts.get(accountId)!;
    const margin = this.margin(symbol, volume, price, leverage);
    const commission = toCents(account.commissionPerLot * volume, SCALE);
    const free = this.equity(accountId) - this.usedMargin(accountId);
    return margin + commission <= free ? { margin, commission } : null;
  }

  /** Negative balance protection: a flat account below zero is brought back to exactly zero. */
  writeOff(accountId: number): void {
    const account = this.accounts.get(accountId)!;
    if (account.balance < 0n && this.positionsOf(accountId).length === 0) account.balance = 0n;
  }

  closeAll(p: MPosition, price: bigint): void {
    this.accounts.get(p.accountId)!.balance += this.profit(p, price, p.volume);
    this.positions.delete(p.id);
  }

  // -- commands --------------------------------------------------------------------------------

  changeBalance(accountId: number, amount: bigint): ResultCode {
    const account = this.accounts.get(accountId)!;
    if (amount < 0n && -amount > this.equity(accountId) - this.usedMargin(accountId)) return 'TRADE_RETCODE_NO_MONEY';
    account.balance += amount;
    // A deposit that lifts the level above the margin-call level ends the margin call at once.
    const level = this.level(accountId);
    if (amount > 0n && account.marginCall && (level === null || level > account.marginCallAt)) {
      account.marginCall = false;
      account.clears++;
    }
    return 'TRADE_RETCODE_DONE';
  }

  market(accountId: number, symbol: Traded, side: Side, volume: bigint, leverage: number, tp: bigint | null, sl: bigint | null): ResultCode {
    if (!this.fresh(symbol)) return 'TRADE_RETCODE_PRICE_OFF';
    const q = this.quotes.get(symbol)!;
    if (!this.stopsOk(side, tp, sl, side === 'BUY' ? q.bid : q.ask)) return 'TRADE_RETCODE_INVALID_STOPS';
    const price = side === 'BUY' ? q.ask : q.bid;
    const cost = this.afford(accountId, symbol, volume, price, leverage);
    if (!cost) return 'TRADE_RETCODE_NO_MONEY';
    const id = this.nextId++;
    this.accounts.get(accountId)!.balance -= cost.commission;
    this.positions.set(id, { id, accountId, symbol, side, volume, openPrice: price, leverage, margin: cost.margin, tp, sl });
    return 'TRADE_RETCODE_DONE';
  }

  close(accountId: number, id: number, volume: bigint | null): ResultCode {
    const p = this.positions.get(id);
    if (!p || p.accountId !== accountId) return 'TRADE_RETCODE_POSITION_CLOSED';
    if (!this.fresh(p.symbol)) return 'TRADE_RETCODE_PRICE_OFF';
    const closing = volume ?? p.volume;
    const price = this.closePrice(p);
    this.accounts.get(accountId)!.balance += this.profit(p, price, closing);
    if (closing === p.volume) {
      this.positions.delete(id);
    } else {
      // Margin released in proportion, rounded to the cent; the rest stays with the position.
      const released = toCents(p.margin * closing, p.volume);
      p.margin -= released;
      p.volume -= closing;
    }
    this.writeOff(accountId);
    return 'TRADE_RETCODE_DONE';
  }

  closeSymbol(accountId: number, symbol: Traded): ResultCode {
    const positions = this.positionsOf(accountId).filter((p) => p.symbol === symbol);
    if (positions.length === 0) return 'TRADE_RETCODE_POSITION_CLOSED';
    if (!this.fresh(symbol)) return 'TRADE_RETCODE_PRICE_OFF';
    for (const p of positions) this.closeAll(p, this.closePrice(p));
    this.writeOff(accountId);
    return 'TRADE_RETCODE_DONE';
  }

  /** Where an entry may rest: buy limits below the ask, buy stops above it, sell limits above the bid, sell stops below it. */
  entryOk(type: PendingOrderType, price: bigint, stopLimit: bigint | null, q: MQuote): boolean {
    switch (type) {
      case 'BUY_LIMIT':
        return price < q.ask;
      case 'SELL_LIMIT':
        return price > q.bid;
      case 'BUY_STOP':
        return price > q.ask;
      case 'SELL_STOP':
        return price < q.bid;
      case 'BUY_STOP_LIMIT':
        return price > q.ask && stopLimit! <= price;
      case 'SELL_STOP_LIMIT':
        return price < q.bid && stopLimit! >= price;
    }
  }

  expiry(type: ExpirationType, time: number | null): number | null | undefined {
    switch (type) {
      case 'GTC':
        return null;
      case 'DAY':
        return endOfDay(this.now);
      case 'SPECIFIED':
        return time! > this.now ? time! : undefined;
      case 'SPECIFIED_DAY':
        return endOfDay(time!) > this.now ? endOfDay(time!) : undefined;
    }
  }

  pending(o: Omit<MOrder, 'id' | 'side' | 'expiresAt'>, expiration: { type: ExpirationType; time: number | null }): ResultCode {
    const expiresAt = this.expiry(expiration.type, expiration.time);
    if (expiresAt === undefined) return 'TRADE_RETCODE_INVALID_EXPIRATION';
    if (!this.fresh(o.symbol)) return 'TRADE_RETCODE_PRICE_OFF';
    const side = sideOf(o.type);
    if (!this.entryOk(o.type, o.price, o.stopLimit, this.quotes.get(o.symbol)!)) return 'TRADE_RETCODE_INVALID_PRICE';
    const reference = o.stopLimit ?? o.price;
    if (!this.stopsOk(side, o.tp, o.sl, reference)) return 'TRADE_RETCODE_INVALID_STOPS';
    if (!this.afford(o.accountId, o.symbol, o.volume, reference, o.leverage)) return 'TRADE_RETCODE_NO_MONEY';
    const id = this.nextId++;
    this.orders.set(id, { ...o, id, side, expiresAt });
    return 'TRADE_RETCODE_DONE';
  }

  cancel(accountId: number, id: number): ResultCode {
    const o = this.orders.get(id);
    if (!o || o.accountId !== accountId) return 'TRADE_RETCODE_INVALID_ORDER';
    this.orders.delete(id);
    return 'TRADE_RETCODE_DONE';
  }

  modifyPosition(accountId: number, id: number, tp: bigint | null, sl: bigint | null): ResultCode {
    const p = this.positions.get(id);
    if (!p || p.accountId !== accountId) return 'TRADE_RETCODE_POSITION_CLOSED';
    if (tp === p.tp && sl === p.sl) return 'TRADE_RETCODE_NO_CHANGES';
    if (!this.fresh(p.symbol)) return 'TRADE_RETCODE_PRICE_OFF';
    if (!this.stopsOk(p.side, tp, sl, this.closePrice(p))) return 'TRADE_RETCODE_INVALID_STOPS';
    p.tp = tp;
    p.sl = sl;
    return 'TRADE_RETCODE_DONE';
  }

  modifyOrder(accountId: number, id: number, price: bigint, stopLimit: bigint | null, tp: bigint | null, sl: bigint | null): ResultCode {
    const o = this.orders.get(id);
    if (!o || o.accountId !== accountId) return 'TRADE_RETCODE_INVALID_ORDER';
    if (price === o.price && stopLimit === o.stopLimit && tp === o.tp && sl === o.sl) return 'TRADE_RETCODE_NO_CHANGES';
    if (!this.fresh(o.symbol)) return 'TRADE_RETCODE_PRICE_OFF';
    if (!this.entryOk(o.type, price, stopLimit, this.quotes.get(o.symbol)!)) return 'TRADE_RETCODE_INVALID_PRICE';
    if (!this.stopsOk(o.side, tp, sl, stopLimit ?? price)) return 'TRADE_RETCODE_INVALID_STOPS';
    Object.assign(o, { price, stopLimit, tp, sl });
    return 'TRADE_RETCODE_DONE';
  }

  // -- time and prices -------------------------------------------------------------------------

  expire(at: number): void {
    for (const o of [...this.orders.values()]) if (o.expiresAt !== null && o.expiresAt <= at) this.orders.delete(o.id);
  }

  tick(symbol: Sym, bid: bigint, ask: bigint): void {
    // Accounts whose equity this price moves: positions on the symbol, or on AUDNZD when NZDUSD moves.
    const exposed = new Set<number>();
    for (const p of this.positions.values()) if (p.symbol === symbol || (symbol === 'NZDUSD' && p.symbol === 'AUDNZD')) exposed.add(p.accountId);
    this.quotes.set(symbol, { bid, ask, time: this.now });
    this.expire(this.now);

    // Take profit / stop loss: a BUY on the bid, a SELL on the ask, at the price that reached the level.
    const touched = new Set<number>();
    const hit = [...this.positions.values()]
      .filter((p) => p.symbol === symbol)
      .filter((p) => {
        const c = p.side === 'BUY' ? bid : ask;
        const tpHit = p.tp !== null && (p.side === 'BUY' ? c >= p.tp : c <= p.tp);
        const slHit = p.sl !== null && (p.side === 'BUY' ? c <= p.sl : c >= p.sl);
        return tpHit || slHit;
      })
      .sort((a, b) => a.id - b.id);
    for (const p of hit) {
      this.closeAll(p, this.closePrice(p));
      touched.add(p.accountId);
    }

    // Pending entries: buy orders on the ask, sell orders on the bid, judged by their state before the tick.
    const reached = [...this.orders.values()]
      .filter((o) => o.symbol === symbol)
      .filter((o) => {
        switch (o.type) {
          case 'BUY_LIMIT':
            return ask <= o.price;
          case 'BUY_STOP':
          case 'BUY_STOP_LIMIT':
            return ask >= o.price;
          case 'SELL_LIMIT':
            return bid >= o.price;
          case 'SELL_STOP':
          case 'SELL_STOP_LIMIT':
            return bid <= o.price;
        }
      })
      .sort((a, b) => a.id - b.id);
    for (const o of reached) {
      if (o.type === 'BUY_STOP_LIMIT' || o.type === 'SELL_STOP_LIMIT') {
        Object.assign(o, { type: o.side === 'BUY' ? 'BUY_LIMIT' : 'SELL_LIMIT', price: o.stopLimit!, stopLimit: null });
        continue;
      }
      touched.add(o.accountId);
      const price = o.side === 'BUY' ? ask : bid;
      const cost = this.afford(o.accountId, o.symbol, o.volume, price, o.leverage);
      this.orders.delete(o.id);
      if (!cost) continue; // cancelled: NO_MONEY
      this.accounts.get(o.accountId)!.balance -= cost.commission;
      this.positions.set(o.id, { id: o.id, accountId: o.accountId, symbol: o.symbol, side: o.side, volume: o.volume, openPrice: price, leverage: o.leverage, margin: cost.margin, tp: o.tp, sl: o.sl });
    }

    for (const accountId of [...new Set([...exposed, ...touched])].sort((a, b) => a - b)) this.enforce(accountId);
  }

  /** Margin call once per episode; stop-out closes the largest loss first until the level is above the stop-out level. */
  enforce(accountId: number): void {
    const account = this.accounts.get(accountId)!;
    const below = (threshold: bigint) => {
      const level = this.level(accountId);
      return level !== null && level <= threshold;
    };
    if (!account.marginCall && below(account.marginCallAt)) {
      account.marginCall = true;
      account.calls++;
    }
    while (this.positionsOf(accountId).length > 0 && below(account.stopOutAt)) {
      const [worst] = this.positionsOf(accountId)
        .map((p) => ({ p, profit: this.profit(p, this.closePrice(p), p.volume) }))
        .sort((a, b) => (a.profit < b.profit ? -1 : a.profit > b.profit ? 1 : a.p.id - b.p.id));
      this.closeAll(worst!.p, this.closePrice(worst!.p));
    }
    this.writeOff(accountId);
    if (account.marginCall && !below(account.marginCallAt)) {
      account.marginCall = false;
      account.clears++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

type Who = 0 | 1;
type Step =
  | { kind: 'tick'; symbol: Sym; move: number; gap: boolean; jitter: number; spread: number; dt: number }
  | { kind: 'clock'; dt: number }
  | { kind: 'deposit' | 'withdraw'; who: Who; cents: number; dt: number }
  | { kind: 'market'; who: Who; symbol: Traded; side: Side; lots: number; leverage: number; tp: number | null; sl: number | null; dt: number }
  | { kind: 'close'; who: Who; pick: number; part: number | null; dt: number }
  | { kind: 'closeSymbol'; who: Who; symbol: Traded; dt: number }
  | {
      kind: 'pending';
      who: Who;
      symbol: Traded;
      type: PendingOrderType;
      lots: number;
      leverage: number;
      offset: number;
      limitOffset: number;
      tp: number | null;
      sl: number | null;
      expiration: ExpirationType;
      expirySeconds: number;
      dt: number;
    }
  | { kind: 'cancel'; who: Who; pick: number; dt: number }
  | { kind: 'modifyPosition'; who: Who; pick: number; tp: number | null; sl: number | null; dt: number }
  | { kind: 'modifyOrder'; who: Who; pick: number; delta: number; dt: number };

const who = fc.constantFrom<Who>(0, 1);
const dt = fc.integer({ min: 0, max: 3 });
const traded = fc.constantFrom<Traded>(...TRADED);
const side = fc.constantFrom<Side>('BUY', 'SELL');
const lots = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 300 })); // 0.01 … 3.00, mostly small
/** 0 stands for the instrument's largest leverage (BTCUSD 1:100, the forex pairs 1:500): small accounts, big exposure. */
const leverage = fc.constantFrom(10, 50, 100, 0);
const leverageOf = (symbol: Traded, chosen: number) => (chosen !== 0 ? chosen : symbol === 'BTCUSD' ? 100 : 500);
/** A level's distance from its reference in units; positive is the side where it does not trigger at once. */
const level = fc.option(fc.integer({ min: -4, max: 60 }), { freq: 3 });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      symbol: fc.constantFrom<Sym>(...SYMBOLS),
      move: fc.integer({ min: -10, max: 10 }),
      gap: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      // Off the grid of whole units half of the time, and a spread up to one unit wide (in ‰ of a unit),
      // so that prices land between levels and the bid and the ask sit on different sides of one.
      jitter: fc.oneof(fc.constant(0), fc.integer({ min: -500, max: 500 })),
      spread: fc.integer({ min: 0, max: 1_000 }),
      dt,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clock' as const), dt: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 3_600, max: 172_800 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deposit' as const), who, cents: fc.integer({ min: 1, max: 500_000 }), dt }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), who, cents: fc.integer({ min: 1, max: 500_000 }), dt }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('market' as const), who, symbol: traded, side, lots, leverage, tp: level, sl: level, dt }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('close' as const), who, pick: fc.nat(), part: fc.option(fc.integer({ min: 1, max: 300 })), dt }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('closeSymbol' as const), who, symbol: traded, dt }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('pending' as const),
      who,
      symbol: traded,
      type: fc.constantFrom<PendingOrderType>('BUY_LIMIT', 'SELL_LIMIT', 'BUY_STOP', 'SELL_STOP', 'BUY_STOP_LIMIT', 'SELL_STOP_LIMIT'),
      lots,
      leverage,
      offset: fc.oneof(fc.integer({ min: -3, max: 4 }), fc.integer({ min: -3, max: 30 })),
      limitOffset: fc.integer({ min: -2, max: 10 }),
      tp: level,
      sl: level,
      expiration: fc.constantFrom<ExpirationType>('GTC', 'DAY', 'SPECIFIED', 'SPECIFIED_DAY'),
      expirySeconds: fc.integer({ min: -5, max: 200 }),
      dt,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who, pick: fc.nat(), dt }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('modifyPosition' as const), who, pick: fc.nat(), tp: level, sl: level, dt }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('modifyOrder' as const), who, pick: fc.nat(), delta: fc.integer({ min: -5, max: 5 }), dt }) },
);

interface Setup {
  annBalance: number;
  bobBalance: number;
  commission: string;
  levels: [marginCall: string, stopOut: string];
}
const setupArb: fc.Arbitrary<Setup> = fc.record({
  annBalance: fc.constantFrom(1_000, 3_000, 10_000),
  bobBalance: fc.constantFrom(500, 2_000, 5_000),
  commission: fc.constantFrom('0', '2.25', '7'),
  levels: fc.constantFrom<[string, string]>(['100', '50'], ['120', '70']),
});

/**
 * One sequence always run besides the random ones (fast-check `examples`), so every path the
 * comparison is about is taken on every run: a stop-limit that activates and fills, an order that
 * expires on the very tick that reaches its price, a DAY order that expires with the clock, a manual
 * close, and a gap that calls margin, stops out and writes off.
 */
const EXAMPLE: [Setup, Step[]] = [
  { annBalance: 1_000, bobBalance: 500, commission: '7', levels: ['100', '50'] },
  [
    // Ann: BUY 1 BTCUSD at the ask 42000.50, 1:100 (margin 420.01).
    { kind: 'market', who: 0, symbol: 'BTCUSD', side: 'BUY', lots: 100, leverage: 0, tp: null, sl: null, dt: 1 },
    // Bob: BUY_STOP_LIMIT 0.1 EURUSD, stop 1.08510 + 5 × 0.0002 = 1.08610, limit 1.08610 − 2 × 0.0002 = 1.08570.
    { kind: 'pending', who: 1, symbol: 'EURUSD', type: 'BUY_STOP_LIMIT', lots: 10, leverage: 0, offset: 5, limitOffset: 2, tp: null, sl: null, expiration: 'GTC', expirySeconds: 0, dt: 1 },
    // Ann: a DAY BUY_LIMIT 0.01 EURUSD at 1.08510 − 10 × 0.0002 = 1.08310, placed at 22:00Z (expires at midnight).
    { kind: 'pending', who: 0, symbol: 'EURUSD', type: 'BUY_LIMIT', lots: 1, leverage: 0, offset: 10, limitOffset: 0, tp: null, sl: null, expiration: 'DAY', expirySeconds: 0, dt: 1 },
    // EURUSD to 1.08620 / 1.08630: the ask reaches the stop, Bob's order becomes a BUY_LIMIT at 1.08570.
    { kind: 'tick', symbol: 'EURUSD', move: 6, gap: false, jitter: 0, spread: 500, dt: 1 },
    // EURUSD to 1.08560 / 1.08570: the ask reaches the limit, Bob's order fills (commission 0.70).
    { kind: 'tick', symbol: 'EURUSD', move: -3, gap: false, jitter: 0, spread: 500, dt: 1 },
    // Bob closes it.
    { kind: 'close', who: 1, pick: 0, part: null, dt: 1 },
    // Ann: a BUY_LIMIT 0.01 BTCUSD at 42000.50 − 20.00 = 41980.50, expiring 2 s after it is placed ...
    { kind: 'pending', who: 0, symbol: 'BTCUSD', type: 'BUY_LIMIT', lots: 1, leverage: 0, offset: 1, limitOffset: 0, tp: null, sl: null, expiration: 'SPECIFIED', expirySeconds: 2, dt: 1 },
    // ... and a tick 2 s later at 41960.00 / 41960.50, which reaches it: it expires, it does not fill.
    { kind: 'tick', symbol: 'BTCUSD', move: -2, gap: false, jitter: 0, spread: 25, dt: 2 },
    // Two days later: Ann's DAY order has expired.
    { kind: 'clock', dt: 172_800 },
    // BTCUSD gaps 10 × 30 × 20.00 = 6000.00 down to 35960.00: Ann's BUY 1 loses 6040.50, equity
    // 1000 − 6040.50 < 0: margin call, stop-out, and the 5040.50 below zero written off.
    { kind: 'tick', symbol: 'BTCUSD', move: -10, gap: true, jitter: 0, spread: 25, dt: 1 },
  ],
];

// ---------------------------------------------------------------------------------------------
// The engine harness, and the step translated for both sides
// ---------------------------------------------------------------------------------------------

/**
 * A stop-out that needs only the largest loss closed: Ann (1000 USD, demo) holds BUY 1 BTCUSD at
 * 42000.50, 1:100 (margin 420.01) and BUY 0.1 EURUSD at 1.08510, 1:500 (margin 10851 / 500 = 21.702 → 21.70).
 * BTCUSD falls 40 × 20.00 = 800.00 to 41200.00: floating −800.50 and −1.00 (EURUSD at its bid 1.08500),
 * equity 1000 − 801.50 = 198.50, level 198.50 / 441.71 = 44.94 % ≤ 50 %. Closing BTCUSD (the larger loss)
 * leaves 198.50 / 21.70 = 914.75 %: EURUSD stays open. (Closing EURUSD first would leave 47.26 % and close both.)
 */
const LARGEST_LOSS_FIRST: [Setup, Step[]] = [
  { annBalance: 1_000, bobBalance: 500, commission: '0', levels: ['100', '50'] },
  [
    { kind: 'market', who: 0, symbol: 'BTCUSD', side: 'BUY', lots: 100, leverage: 0, tp: null, sl: null, dt: 1 },
    { kind: 'market', who: 0, symbol: 'EURUSD', side: 'BUY', lots: 10, leverage: 0, tp: null, sl: null, dt: 1 },
    { kind: 'tick', symbol: 'BTCUSD', move: -40, gap: false, jitter: 0, spread: 25, dt: 1 },
  ],
];

/**
 * Buy orders watch the ask, sell orders the bid: Bob's BUY_LIMIT at 42000.50 − 20.00 = 41980.50, then a
 * tick 41980.00 / 42000.00 (a 20.00 spread): the bid reaches the limit, the ask does not, so nothing fills.
 * Then his SELL_LIMIT at 41980.00 + 20.00 = 42000.00 and a tick 41990.00 / 42010.00: the ask is past it,
 * the bid is not, so nothing fills either.
 */
const BID_AND_ASK: [Setup, Step[]] = [
  { annBalance: 1_000, bobBalance: 5_000, commission: '0', levels: ['100', '50'] },
  [
    { kind: 'pending', who: 1, symbol: 'BTCUSD', type: 'BUY_LIMIT', lots: 1, leverage: 0, offset: 1, limitOffset: 0, tp: null, sl: null, expiration: 'GTC', expirySeconds: 0, dt: 1 },
    { kind: 'tick', symbol: 'BTCUSD', move: -1, gap: false, jitter: 0, spread: 1_000, dt: 1 },
    { kind: 'pending', who: 1, symbol: 'BTCUSD', type: 'SELL_LIMIT', lots: 1, leverage: 0, offset: 1, limitOffset: 0, tp: null, sl: null, expiration: 'GTC', expirySeconds: 0, dt: 1 },
    { kind: 'tick', symbol: 'BTCUSD', move: 0, gap: false, jitter: 500, spread: 1_000, dt: 1 },
  ],
];

/** A command as the harness is given it: it adds the command id. */
type Input = EngineCommand extends infer C ? (C extends EngineCommand ? Omit<C, 'commandId'> : never) : never;

function engine() {
  const state = initialState();
  const log: DomainEvent[] = [];
  const quotes = new Map<string, Quote>();
  const market: MarketView = { quote: (symbol) => quotes.get(symbol) };
  let seq = 0;
  return {
    state,
    log,
    quotes,
    run(command: Input, now: number) {
      const decision = decide(state, { ...command, commandId: `c-${++seq}` } as EngineCommand, { now, market, priceStaleMs: STALE_MS });
      for (const event of decision.events) {
        evolve(state, event);
        log.push(event);
      }
      return decision;
    },
  };
}

/** A level `units` away from `reference` on its non-triggering side (a BUY's TP above, SL below), at least one point. */
function levelFrom(symbol: Traded, side: Side, kind: 'tp' | 'sl', reference: bigint, units: number | null): bigint | null {
  if (units === null) return null;
  const spec = SPEC[symbol];
  const up = (side === 'BUY') === (kind === 'tp');
  const value = reference + (up ? 1n : -1n) * BigInt(units) * spec.unit;
  return value < spec.point ? spec.point : value;
}

const atLeastPoint = (symbol: Traded, value: bigint) => (value < SPEC[symbol].point ? SPEC[symbol].point : value);

/** Applies one step to the model and the engine; returns the model's and the engine's result codes. */
function apply(step: Step, model: Model, e: ReturnType<typeof engine>): [ResultCode, ResultCode] {
  const deadline = { deadline: Number.MAX_SAFE_INTEGER };
  model.now += step.dt * 1_000;
  const now = model.now;
  const account = 'who' in step ? ACCOUNTS[step.who] : ANN;
  const ids = { userId: account.userId, accountId: account.accountId };

  switch (step.kind) {
    case 'tick': {
      const spec = SPEC[step.symbol];
      const before = model.quotes.get(step.symbol)!;
      const onGrid = (value: bigint) => (value / spec.point) * spec.point;
      let bid = before.bid + BigInt(step.move) * spec.unit * (step.gap ? 30n : 1n) + onGrid((spec.unit * BigInt(step.jitter)) / 1_000n); // a gap: up to 30× a usual move
      if (bid < spec.floor) bid = spec.floor;
      const spread = onGrid((spec.unit * BigInt(step.spread)) / 1_000n);
      const ask = bid + (spread < spec.point ? spec.point : spread);
      model.tick(step.symbol, bid, ask);
      e.quotes.set(step.symbol, { symbol: step.symbol, bid, ask, time: now });
      const decision = e.run({ type: 'ApplyTick', tick: { symbol: step.symbol, bid, ask, time: now } }, now);
      return ['TRADE_RETCODE_DONE', decision.outcome.code];
    }
    case 'clock': {
      model.expire(now);
      return ['TRADE_RETCODE_DONE', e.run({ type: 'AdvanceClock', now }, now).outcome.code];
    }
    case 'deposit':
    case 'withdraw': {
      const amount = BigInt(step.cents) * CENT * (step.kind === 'deposit' ? 1n : -1n);
      const expected = model.changeBalance(account.accountId, amount);
      const decision = e.run({ type: 'ChangeBalance', accountId: account.accountId, amount: fixedToString(amount), comment: '' }, now);
      return [expected, decision.outcome.code];
    }
    case 'market': {
      const q = model.quotes.get(step.symbol)!;
      const reference = step.side === 'BUY' ? q.bid : q.ask;
      const tp = levelFrom(step.symbol, step.side, 'tp', reference, step.tp);
      const sl = levelFrom(step.symbol, step.side, 'sl', reference, step.sl);
      const volume = BigInt(step.lots) * CENT;
      const lev = leverageOf(step.symbol, step.leverage);
      const expected = model.market(account.accountId, step.symbol, step.side, volume, lev, tp, sl);
      const decision = e.run(
        {
          type: 'PlaceOrder',
          ...ids,
          symbol: step.symbol,
          side: step.side,
          volume: fixedToString(volume),
          leverage: lev,
          takeProfit: text(tp),
          stopLoss: text(sl),
          slippage: null,
          clientId: null,
          comment: null,
          magic: null,
          ...deadline,
        },
        now,
      );
      return [expected, decision.outcome.code];
    }
    case 'close': {
      const positions = model.positionsOf(account.accountId);
      const p = positions[step.pick % Math.max(positions.length, 1)];
      const id = p?.id ?? 1_999_999;
      let volume: bigint | null = null;
      if (p && step.part !== null) {
        const hundredths = Number(p.volume / CENT);
        volume = BigInt(1 + ((step.part - 1) % hundredths)) * CENT;
      }
      const expected = model.close(account.accountId, id, volume);
      const decision = e.run({ type: 'ClosePosition', ...ids, orderId: id, volume: text(volume), clientId: null, comment: null, ...deadline }, now);
      return [expected, decision.outcome.code];
    }
    case 'closeSymbol': {
      const expected = model.closeSymbol(account.accountId, step.symbol);
      return [expected, e.run({ type: 'ClosePositionsBySymbol', ...ids, symbol: step.symbol, clientId: null, comment: null, ...deadline }, now).outcome.code];
    }
    case 'pending': {
      const q = model.quotes.get(step.symbol)!;
      const unit = SPEC[step.symbol].unit;
      const orderSide = sideOf(step.type);
      // `offset` units away from the market on the side where the entry may rest (negative: the wrong side).
      const below = step.type === 'BUY_LIMIT' || step.type === 'SELL_STOP' || step.type === 'SELL_STOP_LIMIT';
      const anchor = orderSide === 'BUY' ? q.ask : q.bid;
      const price = atLeastPoint(step.symbol, anchor + (below ? -1n : 1n) * BigInt(step.offset) * unit);
      const stopLimit =
        step.type === 'BUY_STOP_LIMIT'
          ? atLeastPoint(step.symbol, price - BigInt(step.limitOffset) * unit)
          : step.type === 'SELL_STOP_LIMIT'
            ? atLeastPoint(step.symbol, price + BigInt(step.limitOffset) * unit)
            : null;
      const reference = stopLimit ?? price;
      const tp = levelFrom(step.symbol, orderSide, 'tp', reference, step.tp);
      const sl = levelFrom(step.symbol, orderSide, 'sl', reference, step.sl);
      const volume = BigInt(step.lots) * CENT;
      const time =
        step.expiration === 'SPECIFIED' ? now + step.expirySeconds * 1_000 : step.expiration === 'SPECIFIED_DAY' ? now + (step.expirySeconds % 3) * DAY_MS : null;
      const expected = model.pending(
        { accountId: account.accountId, symbol: step.symbol, type: step.type, volume, price, stopLimit, leverage: leverageOf(step.symbol, step.leverage), tp, sl },
        { type: step.expiration, time },
      );
      const decision = e.run(
        {
          type: 'PlacePendingOrder',
          ...ids,
          symbol: step.symbol,
          orderType: step.type,
          volume: fixedToString(volume),
          price: fixedToString(price),
          stopLimitPrice: text(stopLimit),
          leverage: leverageOf(step.symbol, step.leverage),
          takeProfit: text(tp),
          stopLoss: text(sl),
          expiration: { type: step.expiration, time },
          clientId: null,
          comment: null,
          magic: null,
          ...deadline,
        },
        now,
      );
      return [expected, decision.outcome.code];
    }
    case 'cancel': {
      const orders = model.ordersOf(account.accountId);
      const id = orders[step.pick % Math.max(orders.length, 1)]?.id ?? 1_999_999;
      const expected = model.cancel(account.accountId, id);
      return [expected, e.run({ type: 'CancelOrder', ...ids, orderId: id, ...deadline }, now).outcome.code];
    }
    case 'modifyPosition': {
      const positions = model.positionsOf(account.accountId);
      const p = positions[step.pick % Math.max(positions.length, 1)];
      if (!p) {
        const code = e.run({ type: 'ModifyPosition', ...ids, orderId: 1_999_999, takeProfit: null, stopLoss: null, ...deadline }, now).outcome.code;
        return ['TRADE_RETCODE_POSITION_CLOSED', code];
      }
      const reference = model.closePrice(p);
      const tp = levelFrom(p.symbol, p.side, 'tp', reference, step.tp);
      const sl = levelFrom(p.symbol, p.side, 'sl', reference, step.sl);
      const expected = model.modifyPosition(account.accountId, p.id, tp, sl);
      const decision = e.run({ type: 'ModifyPosition', ...ids, orderId: p.id, takeProfit: text(tp), stopLoss: text(sl), ...deadline }, now);
      return [expected, decision.outcome.code];
    }
    case 'modifyOrder': {
      const orders = model.ordersOf(account.accountId);
      const o = orders[step.pick % Math.max(orders.length, 1)];
      if (!o) {
        const code = e.run({ type: 'ModifyOrder', ...ids, orderId: 1_999_999, price: '1', stopLimitPrice: null, takeProfit: null, stopLoss: null, expiration: null, ...deadline }, now)
          .outcome.code;
        return ['TRADE_RETCODE_INVALID_ORDER', code];
      }
      // Every price of the order moves by the same distance (its levels keep their side of the entry).
      const shift = BigInt(step.delta) * SPEC[o.symbol].unit;
      const moved = (value: bigint | null) => (value === null ? null : atLeastPoint(o.symbol, value + shift));
      const [price, stopLimit, tp, sl] = [moved(o.price)!, moved(o.stopLimit), moved(o.tp), moved(o.sl)];
      const expected = model.modifyOrder(account.accountId, o.id, price, stopLimit, tp, sl);
      const decision = e.run(
        { type: 'ModifyOrder', ...ids, orderId: o.id, price: fixedToString(price), stopLimitPrice: text(stopLimit), takeProfit: text(tp), stopLoss: text(sl), expiration: null, ...deadline },
        now,
      );
      return [expected, decision.outcome.code];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What is compared
// ---------------------------------------------------------------------------------------------

function engineView(state: EngineState, ledger: Ledger) {
  return {
    accounts: [...state.accounts.values()]
      .sort((a, b) => a.accountId - b.accountId)
      .map((a) => ({
        accountId: a.accountId,
        balance: fixedToString(a.balance),
        margin: fixedToString(a.margin),
        marginCall: a.marginCall,
        calls: ledger.calls.get(a.accountId) ?? 0,
        clears: ledger.clears.get(a.accountId) ?? 0,
      })),
    positions: [...state.positions.values()]
      .sort((a, b) => a.orderId - b.orderId)
      .map((p) => ({
        id: p.orderId,
        accountId: p.accountId,
        symbol: p.instrument.symbol,
        side: p.side,
        volume: fixedToString(p.volume),
        openPrice: fixedToString(p.openPrice),
        margin: fixedToString(p.margin),
        tp: text(p.takeProfit),
        sl: text(p.stopLoss),
      })),
    orders: [...state.orders.values()]
      .sort((a, b) => a.orderId - b.orderId)
      .map((o) => ({
        id: o.orderId,
        accountId: o.accountId,
        symbol: o.instrument.symbol,
        type: o.orderType,
        volume: fixedToString(o.volume),
        price: fixedToString(o.price),
        stopLimit: text(o.stopLimitPrice),
        tp: text(o.takeProfit),
        sl: text(o.stopLoss),
        expiresAt: o.expiresAt,
      })),
  };
}

function modelView(model: Model): ReturnType<typeof engineView> {
  return {
    accounts: [...model.accounts.values()]
      .sort((a, b) => a.accountId - b.accountId)
      .map((a) => ({
        accountId: a.accountId,
        balance: fixedToString(a.balance),
        margin: fixedToString(model.usedMargin(a.accountId)),
        marginCall: a.marginCall,
        calls: a.calls,
        clears: a.clears,
      })),
    positions: [...model.positions.values()]
      .sort((a, b) => a.id - b.id)
      .map((p) => ({
        id: p.id,
        accountId: p.accountId,
        symbol: p.symbol,
        side: p.side,
        volume: fixedToString(p.volume),
        openPrice: fixedToString(p.openPrice),
        margin: fixedToString(p.margin),
        tp: text(p.tp),
        sl: text(p.sl),
      })),
    orders: [...model.orders.values()]
      .sort((a, b) => a.id - b.id)
      .map((o) => ({
        id: o.id,
        accountId: o.accountId,
        symbol: o.symbol,
        type: o.type,
        volume: fixedToString(o.volume),
        price: fixedToString(o.price),
        stopLimit: text(o.stopLimit),
        tp: text(o.tp),
        sl: text(o.sl),
        expiresAt: o.expiresAt,
      })),
  };
}

/**
 * Money is conserved, from the events alone: for each account, balance = deposits − withdrawals
 * + Σ realized profit − Σ commission + Σ write-offs, and every balance an event reports is that sum
 * at that point of the log.
 */
class Ledger {
  readonly sums = new Map<number, bigint>();
  readonly calls = new Map<number, number>();
  readonly clears = new Map<number, number>();
  private seen = 0;

  follow(log: DomainEvent[]): void {
    for (; this.seen < log.length; this.seen++) {
      const event = log[this.seen]!;
      const add = (accountId: number, delta: bigint, reported: string) => {
        const sum = (this.sums.get(accountId) ?? 0n) + delta;
        this.sums.set(accountId, sum);
        if (fixedToString(sum) !== reported) {
          throw new Error(`${event.type} #${this.seen} reports balance ${reported}, the ledger says ${fixedToString(sum)}`);
        }
      };
      switch (event.type) {
        case 'BalanceChanged':
          add(event.data.accountId, parse(event.data.amount), event.data.balance);
          break;
        case 'PositionOpened':
          add(event.data.accountId, -parse(event.data.commission), event.data.balance);
          break;
        case 'PositionClosed':
          add(event.data.accountId, parse(event.data.profit), event.data.balance);
          break;
        case 'BalanceWrittenOff':
          add(event.data.accountId, parse(event.data.amount), event.data.balance);
          break;
        case 'MarginCallTriggered':
          this.calls.set(event.data.accountId, (this.calls.get(event.data.accountId) ?? 0) + 1);
          break;
        case 'MarginCallCleared':
          this.clears.set(event.data.accountId, (this.clears.get(event.data.accountId) ?? 0) + 1);
          break;
        default:
          break;
      }
    }
  }
}

/** Decimal text → 10^-8 units, written here so the ledger does not lean on the engine's parser. */
function parse(value: string): bigint {
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const units = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(8, '0'));
  return negative ? -units : units;
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

/**
 * Runs one sequence through the engine and the model side by side, comparing after every step;
 * throws on the first difference. Returns the engine's event log.
 */
function runAndCompare(setup: Setup, steps: Step[]): DomainEvent[] {
  const e = engine();
  const model = new Model();
  const ledger = new Ledger();

  // Setup: the 'pro' group (commission, levels), Ann in demo, Bob in pro, a first price for every symbol.
  const [marginCallPercent, stopOutPercent] = setup.levels;
  e.run(
    { type: 'DefineGroup', name: 'pro', leverage: 100, maxLeverage: null, marginCallPercent, stopOutPercent, commissionPerLot: setup.commission, symbols: null, hedging: true },
    START,
  );
  e.run({ type: 'RegisterUser', email: 'ann@example.com', passwordHash: 'h', initialBalance: String(setup.annBalance) }, START);
  e.run({ type: 'RegisterUser', email: 'bob@example.com', passwordHash: 'h', initialBalance: String(setup.bobBalance) }, START);
  expect(e.run({ type: 'ChangeAccountGroup', accountId: BOB.accountId, group: 'pro' }, START).outcome.code).toBe('TRADE_RETCODE_DONE');
  // Ann is in demo (margin call 100 %, stop-out 50 %, no commission); Bob in pro.
  model.accounts.set(ANN.accountId, { accountId: ANN.accountId, balance: BigInt(setup.annBalance) * SCALE, commissionPerLot: 0n, marginCallAt: 10_000n, stopOutAt: 5_000n, marginCall: false, calls: 0, clears: 0 });
  model.accounts.set(BOB.accountId, {
    accountId: BOB.accountId,
    balance: BigInt(setup.bobBalance) * SCALE,
    commissionPerLot: parse(setup.commission),
    marginCallAt: BigInt(marginCallPercent) * 100n,
    stopOutAt: BigInt(stopOutPercent) * 100n,
    marginCall: false,
    calls: 0,
    clears: 0,
  });
  for (const symbol of SYMBOLS) {
    const { start, spread } = SPEC[symbol];
    model.tick(symbol, start, start + spread);
    e.quotes.set(symbol, { symbol, bid: start, ask: start + spread, time: START });
    e.run({ type: 'ApplyTick', tick: { symbol, bid: start, ask: start + spread, time: START } }, START);
  }

  steps.forEach((step, i) => {
    const [expected, actual] = apply(step, model, e);
    // Plain comparisons on the hot path (thousands of steps); `expect` only renders a difference.
    try {
      if (actual !== expected) expect(actual).toBe(expected);
      ledger.follow(e.log);
      const [engineSide, modelSide] = [engineView(e.state, ledger), modelView(model)];
      if (JSON.stringify(engineSide) !== JSON.stringify(modelSide)) expect(engineSide).toEqual(modelSide);
      for (const account of e.state.accounts.values()) {
        const conserved = ledger.sums.get(account.accountId) ?? 0n;
        if (conserved !== account.balance) expect(fixedToString(account.balance)).toBe(fixedToString(conserved));
        // Negative balance protection: an account without positions never holds a negative balance.
        if (account.positionIds.size === 0 && account.balance < 0n) expect(fixedToString(account.balance)).toBe('≥ 0');
      }
    } catch (error) {
      throw new Error(`step ${i} ${JSON.stringify(step)}: ${(error as Error).message}`);
    }
  });

  // The log alone rebuilds the same engine state (strict deep equality; `toEqual` only renders a difference).
  const replayed = initialState();
  for (const event of e.log) evolve(replayed, event);
  // The margin watch is a cache of what needs no check, filled by ticks; the log does not hold it.
  if (!isDeepStrictEqual(withoutCaches(replayed), withoutCaches(e.state))) expect(withoutCaches(replayed)).toEqual(withoutCaches(e.state));
  return e.log;
}

describe('the engine against a reference model, on random commands and ticks over BTCUSD, EURUSD and AUDNZD (NZDUSD converting)', () => {
  it('agrees on result codes, balances, positions, orders and margin calls after every step, and conserves money exactly', () => {
    const seen = { fills: 0, closes: 0, stopOuts: 0, writeOffs: 0, marginCalls: 0, pendingFills: 0, activations: 0, expiries: 0 };
    fc.assert(
      fc.property(setupArb, fc.array(stepArb, { minLength: 20, maxLength: 60, size: 'max' }), (setup, steps) => {
        for (const event of runAndCompare(setup, steps)) {
          if (event.type === 'PositionOpened') seen[event.data.orderType === 'MARKET' ? 'fills' : 'pendingFills']++;
          if (event.type === 'PositionClosed') seen[event.data.reason === 'STOP_OUT' ? 'stopOuts' : 'closes']++;
          if (event.type === 'BalanceWrittenOff') seen.writeOffs++;
          if (event.type === 'MarginCallTriggered') seen.marginCalls++;
          if (event.type === 'OrderActivated') seen.activations++;
          if (event.type === 'OrderCancelled' && event.data.reason === 'EXPIRED') seen.expiries++;
        }
      }),
      { numRuns: 200, examples: [EXAMPLE, LARGEST_LOSS_FIRST, BID_AND_ASK] },
    );
    // Guards the generator: a property that never stops out or fills a pending order proves little.
    for (const key of Object.keys(seen) as (keyof typeof seen)[]) expect([key, seen[key] > 0]).toEqual([key, true]);
  });

  it('the example sequence takes the paths its comments describe', () => {
    const all = runAndCompare(...EXAMPLE);
    const log = all.slice(all.findIndex((e) => e.type === 'AccountGroupChanged') + 1); // the events after the setup
    const summary = log.map((e) => [e.type, 'reason' in e.data ? e.data.reason : 'orderType' in e.data ? e.data.orderType : undefined]);
    expect(summary).toEqual([
      ['PositionOpened', 'MARKET'], // Ann's BUY 1 BTCUSD
      ['OrderPlaced', 'BUY_STOP_LIMIT'], // Bob
      ['OrderPlaced', 'BUY_LIMIT'], // Ann, DAY
      ['OrderActivated', 'BUY_LIMIT'], // Bob's stop reached
      ['PositionOpened', 'BUY_LIMIT'], // Bob's limit reached
      ['PositionClosed', 'MANUAL'], // Bob closes
      ['OrderPlaced', 'BUY_LIMIT'], // Ann, SPECIFIED +2 s
      ['OrderCancelled', 'EXPIRED'], // on the tick that reaches it: expired, not filled
      ['OrderCancelled', 'EXPIRED'], // the DAY order, two days later
      ['MarginCallTriggered', undefined],
      ['PositionClosed', 'STOP_OUT'],
      ['BalanceWrittenOff', undefined],
      ['MarginCallCleared', undefined],
    ]);
    // Bob paid 7 × 0.1 = 0.70 commission; Ann's write-off: 1000 − 6040.50 = −5040.50 brought to 0.
    expect(log.find((e) => e.type === 'PositionOpened' && e.data.orderType === 'BUY_LIMIT')!.data).toMatchObject({ commission: '0.7', openPrice: '1.0857' });
    expect(log.find((e) => e.type === 'BalanceWrittenOff')!.data).toMatchObject({ amount: '5040.5', balance: '0' });
  });

  it('the bid-and-ask example fills nothing: both orders are still pending', () => {
    const all = runAndCompare(...BID_AND_ASK);
    const log = all.slice(all.findIndex((e) => e.type === 'AccountGroupChanged') + 1);
    expect(log.map((e) => [e.type, e.data])).toMatchObject([
      ['OrderPlaced', { orderType: 'BUY_LIMIT', price: '41980.5' }],
      ['OrderPlaced', { orderType: 'SELL_LIMIT', price: '42000' }],
    ]);
  });

  it('the largest-loss example stops out BTCUSD only', () => {
    const all = runAndCompare(...LARGEST_LOSS_FIRST);
    const log = all.slice(all.findIndex((e) => e.type === 'AccountGroupChanged') + 1);
    expect(log.map((e) => [e.type, e.data])).toMatchObject([
      ['PositionOpened', { symbol: 'BTCUSD', margin: '420.01' }],
      ['PositionOpened', { symbol: 'EURUSD', margin: '21.7' }],
      ['MarginCallTriggered', { marginLevel: '44.94', equity: '198.5', margin: '441.71' }],
      ['PositionClosed', { symbol: 'BTCUSD', reason: 'STOP_OUT', profit: '-800.5', balance: '199.5' }],
      ['MarginCallCleared', { marginLevel: '914.75' }],
    ]);
  });
});
