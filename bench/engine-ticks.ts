/**
 * Child process: the engine alone applying price ticks (`decide` + `evolve`, as the EngineRunner
 * does per input) with N open positions and M pending orders, all with TP/SL, over every
 * instrument; new positions and orders arrive between ticks so the book stays at its size, and
 * every trigger the tick reaches produces its events. The same ticks, from the same state, are then
 * applied by the same engine whose trigger lookup is a naive full scan of every position and order
 * and whose margin check visits every account the price moves (no margin watch).
 *
 * Input (argv[2], JSON): { positions, orders, accounts, windowS, runs }.
 * Output (last stdout line, JSON): ticks/s of both modes per run, events, and lookup-only rates.
 */
import {
  decide,
  evolve,
  type DomainEvent,
  type EngineState,
  type FiredTrigger,
  type Fixed,
} from '../libs/domain/src/index.js';
import { entryTrigger } from '../libs/domain/src/engine/pending-orders.js';
import { withFullScan } from '../libs/domain/src/testing/full-scan-margin-watch.js';
import { Population } from './engine-fixtures.js';
import { SYMBOLS } from './market.js';
import { childDone, childFailed, childInput } from './processes.js';
import { median } from './stats.js';

interface Input {
  positions: number;
  orders: number;
  accounts: number;
  windowS: number;
  runs: number;
}

const SEED = 20_240_601;
const START_TIME = Date.UTC(2024, 5, 3, 12, 0, 0);
/** Simulated time between two ticks (9 instruments at ~4 ticks/s each). */
const TICK_MS = 28;
/** Largest move of one tick, as a fraction of the price. */
const STEP = 0.00002;
/** Ticks whose events are fingerprinted to check that both modes decide the same. */
const CHECKED_TICKS = 200;
const PRICE_STALE_MS = 30_000;
/** A window is not cut before this many ticks, however slow they are. */
const MIN_TICKS = 10;

/**
 * The trigger lookup a tick would need without sorted indexes: every position and every order is
 * looked at and its levels compared with the quote (same rules, same ascending order id).
 */
class NaiveTriggers {
  constructor(private readonly state: EngineState) {}

  arm(): void {}
  disarm(): void {}
  armEntry(): void {}
  disarmEntry(): void {}

  fired(symbol: string, bid: Fixed, ask: Fixed): FiredTrigger[] {
    const fired: FiredTrigger[] = [];
    for (const p of this.state.positions.values()) {
      if (p.instrument.symbol !== symbol) continue;
      if (p.side === 'BUY') {
        if (p.takeProfit !== null && bid >= p.takeProfit) fired.push({ orderId: p.orderId, kind: 'TAKE_PROFIT' });
        if (p.stopLoss !== null && bid <= p.stopLoss) fired.push({ orderId: p.orderId, kind: 'STOP_LOSS' });
      } else {
        if (p.takeProfit !== null && ask <= p.takeProfit) fired.push({ orderId: p.orderId, kind: 'TAKE_PROFIT' });
        if (p.stopLoss !== null && ask >= p.stopLoss) fired.push({ orderId: p.orderId, kind: 'STOP_LOSS' });
      }
    }
    return fired.sort((x, y) => x.orderId - y.orderId);
  }

  entries(symbol: string, bid: Fixed, ask: Fixed): number[] {
    const ids: number[] = [];
    for (const o of this.state.orders.values()) {
      if (o.instrument.symbol !== symbol) continue;
      switch (entryTrigger(o.orderType)) {
        case 'BUY_LIMIT':
          if (ask <= o.price) ids.push(o.orderId);
          break;
        case 'BUY_STOP':
          if (ask >= o.price) ids.push(o.orderId);
          break;
        case 'SELL_LIMIT':
          if (bid >= o.price) ids.push(o.orderId);
          break;
        case 'SELL_STOP':
          if (bid <= o.price) ids.push(o.orderId);
          break;
      }
    }
    return ids.sort((x, y) => x - y);
  }

  size(): number {
    return this.state.positions.size + this.state.orders.size;
  }
}

type Mode = 'indexed' | 'naive';

interface Window {
  ticks: number;
  seconds: number;
  ticksPerS: number;
  events: number;
  closes: number;
  fills: number;
  marginEvents: number;
  arrivals: number;
}

class TickSession {
  readonly population: Population;
  private time = START_TIME;
  private tickNo = 0;
  readonly fingerprints: string[] = [];

  constructor(
    readonly mode: Mode,
    private readonly input: Input,
  ) {
    const started = performance.now();
    this.population = new Population({ accounts: input.accounts, seed: SEED });
    if (mode === 'naive') {
      (this.population.state as { triggers: unknown }).triggers = new NaiveTriggers(this.population.state);
      withFullScan(this.population.state);
    }
    this.population.openAccounts(this.time);
    this.population.quoteAll(this.time);
    this.population.topUp(input.positions, input.orders, this.time);
    const state = this.population.state;
    process.stderr.write(
      `${mode}: ${state.positions.size} positions, ${state.orders.size} pending orders, ${state.accounts.size} accounts built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }

  /**
   * Applies ticks until `seconds` of engine time were spent on them and at least `minTicks` were
   * applied (bounded by wall time and count).
   */
  run(seconds: number, maxTicks = 10_000_000, minTicks = MIN_TICKS): Window {
    const { state, market, walk } = this.population;
    const w: Window = { ticks: 0, seconds: 0, ticksPerS: 0, events: 0, closes: 0, fills: 0, marginEvents: 0, arrivals: 0 };
    const wallLimit = performance.now() + seconds * 3_000 + 20_000;
    let spent = 0;
    while ((spent < seconds * 1_000 || w.ticks < minTicks) && w.ticks < maxTicks && performance.now() < wallLimit) {
      const symbol = SYMBOLS[this.tickNo % SYMBOLS.length]!;
      this.time += TICK_MS;
      const tick = walk.next(symbol, this.time, STEP);
      const commandId = `tick-${this.tickNo}`;
      const t0 = performance.now();
      // As EngineRunner.handle: the board takes the tick, then decide, then evolve every event.
      market.update(tick);
      const decision = decide(state, { type: 'ApplyTick', commandId, tick }, { now: this.time, market, priceStaleMs: PRICE_STALE_MS });
      for (const event of decision.events) evolve(state, event);
      spent += performance.now() - t0;
      this.count(w, decision.events);
      if (this.tickNo < CHECKED_TICKS) this.fingerprints.push(JSON.stringify(decision.events));
      this.tickNo++;
      w.ticks++;
      // Not timed: new business arriving between ticks keeps the book at its size.
      const added = this.population.topUp(this.input.positions, this.input.orders, this.time);
      w.arrivals += added.positions + added.orders;
    }
    w.seconds = spent / 1_000;
    w.ticksPerS = w.seconds > 0 ? w.ticks / w.seconds : 0;
    return w;
  }

  private count(w: Window, events: DomainEvent[]): void {
    w.events += events.length;
    for (const e of events) {
      if (e.type === 'PositionClosed') {
        if (e.data.reason === 'STOP_OUT') w.marginEvents++;
        else w.closes++;
      } else if (e.type === 'PositionOpened' || e.type === 'OrderActivated') w.fills++;
      else if (e.type === 'MarginCallTriggered' || e.type === 'MarginCallCleared' || e.type === 'BalanceWrittenOff') w.marginEvents++;
    }
  }

  /** Trigger lookups only (no decision): how fast the index (or the scan) finds what a quote reaches. */
  lookups(seconds: number): number {
    const { state, walk } = this.population;
    const triggers = state.triggers as unknown as { fired(s: string, b: Fixed, a: Fixed): unknown[]; entries(s: string, b: Fixed, a: Fixed): unknown[] };
    let n = 0;
    let found = 0;
    const end = performance.now() + seconds * 1_000;
    while (performance.now() < end && n < 50_000_000) {
      for (let i = 0; i < 64; i++) {
        const q = walk.quote(SYMBOLS[n % SYMBOLS.length]!, this.time);
        found += triggers.fired(q.symbol, q.bid, q.ask).length + triggers.entries(q.symbol, q.bid, q.ask).length;
        n++;
      }
    }
    if (found < 0) process.stderr.write('');
    return n / seconds;
  }
}

function describe(w: Window): string {
  return `${Math.round(w.ticksPerS)} ticks/s (${w.ticks} ticks in ${w.seconds.toFixed(2)} s of engine time; ${w.events} events: ${w.closes} TP/SL closes, ${w.fills} fills, ${w.marginEvents} margin; ${w.arrivals} arrivals)`;
}

async function main(): Promise<void> {
  const input = childInput<Input>();
  const results: Record<Mode, Window[]> = { indexed: [], naive: [] };
  const lookups: Record<Mode, number> = { indexed: 0, naive: 0 };
  const fingerprints: Record<Mode, string[]> = { indexed: [], naive: [] };
  for (const mode of ['indexed', 'naive'] as const) {
    const session = new TickSession(mode, input);
    // Warm-up (JIT), not reported.
    session.run(Math.min(0.5, input.windowS), 2_000, 2);
    for (let run = 0; run < input.runs; run++) {
      const w = session.run(input.windowS);
      results[mode].push(w);
      process.stderr.write(`${mode} run ${run + 1}/${input.runs}: ${describe(w)}\n`);
    }
    lookups[mode] = session.lookups(Math.min(1, input.windowS));
    process.stderr.write(`${mode}: trigger lookups alone ${Math.round(lookups[mode])}/s\n`);
    fingerprints[mode] = session.fingerprints;
  }
  const compared = Math.min(fingerprints.indexed.length, fingerprints.naive.length);
  let mismatch = -1;
  for (let i = 0; i < compared; i++) {
    if (fingerprints.indexed[i] !== fingerprints.naive[i]) {
      mismatch = i;
      break;
    }
  }
  childDone({
    ticksPerS: median(results.indexed.map((w) => w.ticksPerS)),
    naiveTicksPerS: median(results.naive.map((w) => w.ticksPerS)),
    indexedRuns: results.indexed,
    naiveRuns: results.naive,
    lookupsPerS: lookups.indexed,
    naiveLookupsPerS: lookups.naive,
    sameDecisions: { ticksCompared: compared, firstMismatch: mismatch === -1 ? null : mismatch },
  });
}

main().catch(childFailed);
