import {
  accountMetrics,
  decide,
  evolve,
  initialState,
  parseFixed,
  type Decision,
  type DomainEvent,
  type EngineCommand,
  type EngineState,
  type MarketView,
  type PlaceOrder,
  type PositionClosed,
  type Quote,
} from '../index.js';

/**
 * A small engine for the scenario: one clock that advances a second per input, a market that each
 * tick updates before the decision (as the engine runner does), and an event log.
 */
/** A command as the scenario writes it: the harness adds the command id (and a fresh deadline). */
type Input = EngineCommand extends infer C ? (C extends EngineCommand ? Omit<C, 'commandId'> : never) : never;

function engine() {
  const state = initialState();
  const log: DomainEvent[] = [];
  const quotes = new Map<string, Quote>();
  const market: MarketView = { quote: (symbol) => quotes.get(symbol) };
  let now = Date.parse('2026-03-03T10:00:00.000Z');
  let seq = 0;

  const run = (command: EngineCommand): Decision => {
    const decision = decide(state, command, { now, market, priceStaleMs: 30_000 });
    for (const event of decision.events) {
      evolve(state, event);
      log.push(event);
    }
    return decision;
  };

  return {
    state,
    log,
    market,
    tick(symbol: string, bid: string, ask: string): Decision {
      now += 1_000;
      const quote: Quote = { symbol, bid: parseFixed(bid), ask: parseFixed(ask), time: now };
      quotes.set(symbol, quote);
      return run({ type: 'ApplyTick', commandId: `tick-${++seq}`, tick: quote });
    },
    do(command: Input): Decision {
      now += 1_000;
      const withDeadline = 'deadline' in command ? { ...command, deadline: now + 3_000 } : command;
      return run({ ...withDeadline, commandId: `cmd-${++seq}` } as EngineCommand);
    },
  };
}

const USER = 1;
const ACCOUNT = 100_001;

const buy = (symbol: string, volume: string, extra: Partial<PlaceOrder> = {}): Omit<PlaceOrder, 'commandId'> => ({
  type: 'PlaceOrder',
  userId: USER,
  accountId: ACCOUNT,
  symbol,
  side: 'BUY',
  volume,
  leverage: 100,
  takeProfit: null,
  stopLoss: null,
  slippage: null,
  clientId: null,
  comment: null,
  magic: null,
  deadline: 0,
  ...extra,
});
const sell = (symbol: string, volume: string, extra: Partial<PlaceOrder> = {}) => buy(symbol, volume, { side: 'SELL', ...extra });
const closeOrder = (orderId: number, volume: string | null = null) =>
  ({ type: 'ClosePosition', userId: USER, accountId: null, orderId, volume, clientId: null, comment: null, deadline: 0 }) as const;

describe('an account with 10000 USD trading BTCUSD, EURUSD and USDJPY', () => {
  it('ends with a balance of 11205.33, computed by hand trade by trade', () => {
    const e = engine();
    const balance = () => e.state.accounts.get(ACCOUNT)!.balance;
    const margin = () => e.state.accounts.get(ACCOUNT)!.margin;

    // Sign-up: 10000 USD.
    expect(e.do({ type: 'RegisterUser', email: 'trader@example.com', passwordHash: 'h', initialBalance: '10000' }).outcome).toMatchObject({
      userId: USER,
      accountId: ACCOUNT,
    });
    expect(balance()).toBe(parseFixed('10000'));

    // 1. BUY 0.5 BTCUSD at the ask 42000.50, 1:100: margin 0.5 × 42000.50 / 100 = 210.0025 → 210.00.
    e.tick('BTCUSD', '42000.00', '42000.50');
    expect(e.do(buy('BTCUSD', '0.5')).outcome).toMatchObject({ code: 'TRADE_RETCODE_DONE', orderId: 1_000_001, price: '42000.5' });
    expect(margin()).toBe(parseFixed('210'));

    // 2. The price moves up to 43000.00 / 43000.50: nothing is armed, nothing closes.
    expect(e.tick('BTCUSD', '43000.00', '43000.50').events).toEqual([]);
    // Floating (43000.00 − 42000.50) × 0.5 = 499.75; equity 10499.75; level 10499.75 / 210 × 100 = 4999.880… → 4999.88 %.
    const position1 = e.state.positions.get(1_000_001)!;
    expect(accountMetrics(balance(), margin(), [position1], e.market)).toMatchObject({
      floating: parseFixed('499.75'),
      equity: parseFixed('10499.75'),
      freeMargin: parseFixed('10289.75'), // 10499.75 − 210.00
      marginLevel: parseFixed('4999.88'),
    });

    // 3. Partial close 0.2 at the bid 43000.00: (43000.00 − 42000.50) × 0.2 = 199.90 → balance 10199.90.
    //    Margin released 210.00 × 0.2 / 0.5 = 84.00; 126.00 stays held for the 0.3 left.
    const partial = e.do(closeOrder(1_000_001, '0.2'));
    expect(partial.outcome).toMatchObject({ price: '43000', profit: '199.9', volume: '0.2' });
    expect((partial.events[0] as PositionClosed).data).toMatchObject({ reason: 'PARTIAL', remainingVolume: '0.3', marginReleased: '84' });
    expect(balance()).toBe(parseFixed('10199.9'));
    expect(margin()).toBe(parseFixed('126'));

    // 4. BUY 0.1 BTCUSD at the ask 43000.50 with SL 42500.00: margin 0.1 × 43000.50 / 100 = 43.0005 → 43.00.
    expect(e.do(buy('BTCUSD', '0.1', { stopLoss: '42500.00' })).outcome).toMatchObject({ orderId: 1_000_002, price: '43000.5' });
    expect(margin()).toBe(parseFixed('169')); // 126.00 + 43.00

    // 5. A gap down to 42400.00: the SL of #1000002 fires at that bid, not at 42500.
    //    (42400.00 − 43000.50) × 0.1 = −60.05 → balance 10199.90 − 60.05 = 10139.85. #1000001 has no levels.
    const gap = e.tick('BTCUSD', '42400.00', '42400.50');
    expect(gap.events.map((event) => (event as PositionClosed).data)).toMatchObject([
      { orderId: 1_000_002, reason: 'STOP_LOSS', closePrice: '42400', profit: '-60.05', balance: '10139.85' },
    ]);
    expect(margin()).toBe(parseFixed('126'));

    // 6. SELL 1 EURUSD at the bid 1.08500, 1:100: margin 100000 × 1.085 / 100 = 1085.00.
    e.tick('EURUSD', '1.08500', '1.08510');
    expect(e.do(sell('EURUSD', '1')).outcome).toMatchObject({ orderId: 1_000_003, price: '1.085' });
    expect(margin()).toBe(parseFixed('1211')); // 126.00 + 1085.00

    // 7. EURUSD falls to 1.08200 / 1.08210; close at the ask: (1.08500 − 1.08210) × 100000 = 290.00 → 10429.85.
    e.tick('EURUSD', '1.08200', '1.08210');
    expect(e.do(closeOrder(1_000_003)).outcome).toMatchObject({ price: '1.0821', profit: '290' });
    expect(balance()).toBe(parseFixed('10429.85'));

    // 8. BUY 1 USDJPY at the ask 150.005, 1:100: 15000500 JPY / mid 150.000 = 100003.33 USD / 100 = 1000.03.
    e.tick('USDJPY', '149.995', '150.005');
    expect(e.do(buy('USDJPY', '1')).outcome).toMatchObject({ orderId: 1_000_004, price: '150.005' });
    expect(margin()).toBe(parseFixed('1126.03')); // 126.00 + 1000.03

    // 9. USDJPY rises to 150.995 / 151.005 (mid 151.000); close at the bid:
    //    (150.995 − 150.005) × 100000 = 99000 JPY / 151 = 655.629… → 655.63 → 10429.85 + 655.63 = 11085.48.
    e.tick('USDJPY', '150.995', '151.005');
    expect(e.do(closeOrder(1_000_004)).outcome).toMatchObject({ price: '150.995', profit: '655.63' });
    expect(balance()).toBe(parseFixed('11085.48'));

    // 10. Close the 0.3 BTCUSD left at the bid 42400.00: (42400.00 − 42000.50) × 0.3 = 119.85 → 11205.33;
    //     it releases the 126.00 still held.
    const last = e.do(closeOrder(1_000_001));
    expect((last.events[0] as PositionClosed).data).toMatchObject({ reason: 'MANUAL', volume: '0.3', profit: '119.85', marginReleased: '126' });

    // Total: 10000 + 199.90 − 60.05 + 290.00 + 655.63 + 119.85 = 11205.33.
    expect(balance()).toBe(parseFixed('11205.33'));
    expect(margin()).toBe(0n);
    expect(e.state.positions.size).toBe(0);
    expect(e.state.triggers.size()).toBe(0);

    // The log alone rebuilds the same account.
    const replayed: EngineState = initialState();
    for (const event of e.log) evolve(replayed, event);
    expect(replayed.accounts.get(ACCOUNT)).toEqual(e.state.accounts.get(ACCOUNT));
    expect(replayed.lastIds).toEqual({ user: 1, account: 100_001, order: 1_000_004 });
  });
});
