import type { EngineCommand } from '../engine/engine.commands.js';
import { decide, type DecideContext, type Outcome } from '../engine/engine.decide.js';
import { evolve } from '../engine/engine.evolve.js';
import { initialState, type EngineState } from '../engine/engine.state.js';
import type { DomainEvent } from '../engine/events/index.js';
import { parseFixed } from '../money/fixed.js';
import { IndexedHeap } from '../triggers/indexed-heap.js';
import type { MarketView, Quote } from '../pricing/pricing.js';

/** A market made of fixed quotes, for tests: `{ BTCUSD: ['42000.00', '42001.00'] }`. */
export function marketOf(prices: Record<string, [bid: string, ask: string]>, time = 0): MarketView & { quotes: Map<string, Quote> } {
  const quotes = new Map<string, Quote>(
    Object.entries(prices).map(([symbol, [bid, ask]]) => [symbol, { symbol, bid: parseFixed(bid), ask: parseFixed(ask), time }]),
  );
  return { quotes, quote: (symbol) => quotes.get(symbol) };
}

export function context(market: MarketView, now = 1_000): DecideContext {
  return { now, market, priceStaleMs: 30_000 };
}

/**
 * given(events).when(command, ctx).then(events) — the decider read as a specification.
 * `then` checks the events exactly; `thenOutcome` checks the result code and details.
 */
export function given(events: DomainEvent[], state: EngineState = initialState()) {
  for (const event of events) evolve(state, event);
  return {
    state,
    when(command: EngineCommand, ctx: DecideContext) {
      const decision = decide(state, command, ctx);
      return {
        decision,
        then(expected: DomainEvent[]) {
          expect(decision.events).toEqual(expected);
          return this;
        },
        thenOutcome(expected: Partial<Outcome>) {
          expect(decision.outcome).toMatchObject(expected);
          return this;
        },
        /** The state after applying the decided events. */
        state(): EngineState {
          for (const event of decision.events) evolve(state, event);
          return state;
        },
      };
    },
  };
}

/**
 * The state without its caches (margin watch, floating memo), for comparing a live state with one
 * replayed from its log. Its heaps are shown by what they hold: how a heap lays its entries out
 * depends on when it was first asked (see IndexedHeap), not on what it holds.
 */
export function withoutCaches(state: EngineState): unknown {
  const { marginWatch: _watch, floatingMemo: _memo, ...decisive } = state;
  return heapsByContent(decisive);
}

function heapsByContent(value: unknown): unknown {
  if (value instanceof IndexedHeap) return { heap: value.entries() };
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, heapsByContent(item)]));
  if (Array.isArray(value)) return value.map(heapsByContent);
  if (typeof value !== 'object' || value === null || value instanceof Set) return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) copy[key] = heapsByContent(item);
  return copy;
}
