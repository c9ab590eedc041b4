import type { DomainEvent } from '../index.js';
import { given } from '../testing/decider-spec.js';
import { ann, ANN_ACCOUNT, AT, bob, BOB_ACCOUNT, changeBalance, closed, f, iso, NOW, opened, pricesAt, run, runTick, tick, used, type Prices } from '../testing/trading-fixtures.js';

/** A BUY 1 BTCUSD at 42000.50 at 1:100: margin 42000.50 / 100 = 420.005 → 420.01. */
const btcAt100 = (balance: string, extra: Parameters<typeof opened>[0] = { orderId: 1_000_001 }) =>
  opened({ leverage: 100, margin: '420.01', balance, ...extra });

const marginCall = (marginLevel: string, equity: string, margin: string, at = AT): DomainEvent => ({
  type: 'MarginCallTriggered',
  data: { accountId: ANN_ACCOUNT, marginLevel, equity, margin, at },
});
const cleared = (marginLevel: string | null, at = AT): DomainEvent => ({ type: 'MarginCallCleared', data: { accountId: ANN_ACCOUNT, marginLevel, at } });
const writtenOff = (amount: string): DomainEvent => ({ type: 'BalanceWrittenOff', data: { accountId: ANN_ACCOUNT, amount, balance: '0', at: AT } });

// Margin level = equity / margin × 100, rounded to the hundredth (the level an account summary shows),
// compared with the group's levels: demo calls at ≤ 100 % and stops out at ≤ 50 %.

describe('an account with 1000 USD and a BUY 1 BTCUSD at 42000.50 (margin 420.01): equity = 1000 + bid − 42000.50', () => {
  const history = () => [...ann('1000'), btcAt100('1000')];
  const at = (second: number) => NOW + second * 1_000;

  it('records a margin call once per episode, clears it when the level recovers, and records the next episode', () => {
    const state = given(history()).state;
    // bid 41500: equity 499.50, level 118.925… → 118.93 %: nothing.
    expect(runTick(state, 'BTCUSD', '41500.00', '41500.50', {}, at(0)).events).toEqual([]);
    // bid 41400: equity 399.50, level 95.116… → 95.12 %: margin call.
    expect(runTick(state, 'BTCUSD', '41400.00', '41400.50', {}, at(1)).events).toEqual([marginCall('95.12', '399.5', '420.01', iso(at(1)))]);
    expect(state.accounts.get(ANN_ACCOUNT)!.marginCall).toBe(true);
    // bid 41350: equity 349.50, level 83.21 %: still the same episode, nothing new.
    expect(runTick(state, 'BTCUSD', '41350.00', '41350.50', {}, at(2)).events).toEqual([]);
    // bid 41800: equity 799.50, level 190.352… → 190.35 %: cleared.
    expect(runTick(state, 'BTCUSD', '41800.00', '41800.50', {}, at(3)).events).toEqual([cleared('190.35', iso(at(3)))]);
    expect(state.accounts.get(ANN_ACCOUNT)!.marginCall).toBe(false);
    // Back to 41400: a new episode, a new margin call.
    expect(runTick(state, 'BTCUSD', '41400.00', '41400.50', {}, at(4)).events).toEqual([marginCall('95.12', '399.5', '420.01', iso(at(4)))]);
  });

  it('ends a margin call at the deposit that lifts the level above 100 %, not at the next tick; a smaller one leaves it', () => {
    const state = given(history()).state;
    // bid 41400: equity 399.50, level 95.12 %: margin call.
    expect(runTick(state, 'BTCUSD', '41400.00', '41400.50', {}, at(0)).events).toEqual([marginCall('95.12', '399.5', '420.01', iso(at(0)))]);
    const prices = pricesAt({ BTCUSD: ['41400.00', '41400.50'] }, at(0), at(1));
    // +10: equity 409.50, level 97.50 %: still called.
    expect(run(state, changeBalance('10'), prices).events.map((e) => e.type)).toEqual(['BalanceChanged']);
    expect(state.accounts.get(ANN_ACCOUNT)!.marginCall).toBe(true);
    // +100: equity 509.50, level 121.30… → 121.31 %: the deposit ends it.
    const { events } = run(state, changeBalance('100', { commandId: 'cmd-2' }), prices);
    expect(events.map((e) => e.type)).toEqual(['BalanceChanged', 'MarginCallCleared']);
    expect(events[1]).toEqual(cleared('121.31', iso(at(1))));
    expect(state.accounts.get(ANN_ACCOUNT)!.marginCall).toBe(false);
  });

  it.each<[string, string, DomainEvent[]]>([
    // bid 41420.53: equity 420.03, level 100.0047… → 100.00 %: at the level, a margin call
    ['41420.53', '41421.03', [marginCall('100', '420.03', '420.01')]],
    // bid 41420.54: equity 420.04, level 100.0071… → 100.01 %: above it, nothing
    ['41420.54', '41421.04', []],
    // bid 41210.53: equity 210.03, level 50.0059… → 50.01 %: a margin call, no stop-out
    ['41210.53', '41211.03', [marginCall('50.01', '210.03', '420.01')]],
  ])('a tick at bid %s / ask %s records %j', (bid, ask, expected) => {
    const { command, ctx } = tick('BTCUSD', bid, ask);
    given(history()).when(command, ctx).then(expected);
  });

  it('stops out at exactly 50.00 %: bid 41210.50, equity 210.00, level 49.998… → 50.00; closes at that bid, −790.00 → balance 210.00', () => {
    const { command, ctx } = tick('BTCUSD', '41210.50', '41211.00');
    const state = given(history())
      .when(command, ctx)
      .then([
        marginCall('50', '210', '420.01'),
        closed({ leverage: 100, marginReleased: '420.01', closePrice: '41210.5', profit: '-790', balance: '210', reason: 'STOP_OUT', quote: used('41210.50', '41211.00', AT) }),
        cleared(null), // no margin in use any more
      ])
      .state();
    expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: f('210'), margin: 0n, marginCall: false, positionIds: new Set() });
  });

  it('a gap to 40000.00 stops out at that bid, −2000.50, and writes off the 1000.50 below zero: balance exactly 0', () => {
    const { command, ctx } = tick('BTCUSD', '40000.00', '40000.50');
    const state = given(history())
      .when(command, ctx)
      .then([
        // equity 1000 − 2000.50 = −1000.50; level −1000.50 / 420.01 × 100 = −238.208… → −238.21
        marginCall('-238.21', '-1000.5', '420.01'),
        closed({ leverage: 100, marginReleased: '420.01', closePrice: '40000', profit: '-2000.5', balance: '-1000.5', reason: 'STOP_OUT', quote: used('40000', '40000.5', AT) }),
        writtenOff('1000.5'),
        cleared(null),
      ])
      .state();
    // Money: deposit 1000 − loss 2000.50 + write-off 1000.50 = 0
    expect(state.accounts.get(ANN_ACCOUNT)!.balance).toBe(0n);
  });
});

describe('an account with 1000 USD and a BUY 1 BTCUSD at 42000.50 (margin 420.01) with SL 41500', () => {
  it('a gap through the SL to 40000.00 closes at that bid, −2000.50, and writes off the 1000.50 below zero', () => {
    const { command, ctx } = tick('BTCUSD', '40000.00', '40000.50');
    const state = given([...ann('1000'), btcAt100('1000', { orderId: 1_000_001, stopLoss: '41500' })])
      .when(command, ctx)
      .then([
        closed({
          leverage: 100,
          marginReleased: '420.01',
          stopLoss: '41500',
          closePrice: '40000',
          profit: '-2000.5',
          balance: '-1000.5',
          reason: 'STOP_LOSS',
          quote: used('40000', '40000.5', AT),
        }),
        writtenOff('1000.5'),
      ])
      .state();
    expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: 0n, margin: 0n });
  });

  it('an SL that fires within the balance (bid 41500.00, −500.50) writes nothing off', () => {
    const { command, ctx } = tick('BTCUSD', '41500.00', '41500.50');
    const { events } = given([...ann('1000'), btcAt100('1000', { orderId: 1_000_001, stopLoss: '41500' })]).when(command, ctx).decision;
    expect(events.map((e) => [e.type, (e.data as { balance?: string }).balance])).toEqual([['PositionClosed', '499.5']]); // 1000 − 500.50
  });
});

describe('an account with 5701.75 USD and three BUY BTCUSD at 1:100 (margin 1455.02); a tick to 40000.00 / 40000.50', () => {
  // #1000001: 1 lot at 42000.50, margin 420.01, floating 40000.00 − 42000.50 = −2000.50
  // #1000002: 2 lots at 41000.50, margin 820.01, floating 2 × (40000.00 − 41000.50) = −2001.00
  // #1000003: 0.5 lot at 43000.50, margin 215.00 (215.0025), floating 0.5 × (40000.00 − 43000.50) = −1500.25
  // Equity 5701.75 − 5501.75 = 200.00 (closing at market leaves it the same); level 200 / 1455.02 = 13.7455… → 13.75 %.
  const history = () => [
    ...ann('5701.75'),
    btcAt100('5701.75', { orderId: 1_000_001 }),
    opened({ orderId: 1_000_002, volume: '2', openPrice: '41000.5', leverage: 100, margin: '820.01', balance: '5701.75' }),
    opened({ orderId: 1_000_003, volume: '0.5', openPrice: '43000.5', leverage: 100, margin: '215', balance: '5701.75' }),
  ];

  it('closes the largest loss first (#1000002), then #1000001, until the level is above 50 %', () => {
    const { command, ctx } = tick('BTCUSD', '40000.00', '40000.50');
    const quote = used('40000', '40000.5', AT);
    const state = given(history())
      .when(command, ctx)
      .then([
        marginCall('13.75', '200', '1455.02'),
        // −2001.00 → 5701.75 − 2001.00 = 3700.75; level 200 / 635.01 = 31.4955… → 31.50 %: still ≤ 50
        closed({
          orderId: 1_000_002,
          volume: '2',
          openPrice: '41000.5',
          leverage: 100,
          marginReleased: '820.01',
          closePrice: '40000',
          profit: '-2001',
          balance: '3700.75',
          reason: 'STOP_OUT',
          quote,
        }),
        // −2000.50 → 3700.75 − 2000.50 = 1700.25; level 200 / 215.00 = 93.0232… → 93.02 %: above 50, stop
        closed({ leverage: 100, marginReleased: '420.01', closePrice: '40000', profit: '-2000.5', balance: '1700.25', reason: 'STOP_OUT', quote }),
        // 93.02 % is still at or below the margin call level: no MarginCallCleared
      ])
      .state();
    expect([...state.positions.keys()]).toEqual([1_000_003]);
    expect(state.accounts.get(ANN_ACCOUNT)).toMatchObject({ balance: f('1700.25'), margin: f('215'), marginCall: true });
  });
});

describe('an account with 2300.50 USD: BUY 1 EURUSD at 1.08510 (margin 1085.10) and BUY 1 BTCUSD at 42000.50 (margin 420.01)', () => {
  it('a BTCUSD tick stops out the EURUSD position, the larger loss, though EURUSD did not tick', () => {
    const history = [
      ...ann('2300.50'),
      opened({ orderId: 1_000_001, symbol: 'EURUSD', openPrice: '1.0851', leverage: 100, margin: '1085.1', balance: '2300.5' }),
      btcAt100('2300.5', { orderId: 1_000_002 }),
    ];
    // EURUSD at 1.07010: (1.07010 − 1.08510) × 100000 = −1500.00; BTCUSD at 41500.00: −500.50.
    // Equity 2300.50 − 2000.50 = 300.00; margin 1505.11; level 300 / 1505.11 = 19.932… → 19.93 %.
    const { command, ctx } = tick('BTCUSD', '41500.00', '41500.50', { EURUSD: ['1.07010', '1.07020'] });
    const state = given(history)
      .when(command, ctx)
      .then([
        marginCall('19.93', '300', '1505.11'),
        // Balance 2300.50 − 1500.00 = 800.50; level 300 / 420.01 = 71.427… → 71.43 %: above 50, stop
        closed({
          symbol: 'EURUSD',
          openPrice: '1.0851',
          leverage: 100,
          marginReleased: '1085.1',
          closePrice: '1.0701',
          profit: '-1500',
          balance: '800.5',
          reason: 'STOP_OUT',
          quote: used('1.07010', '1.07020', AT),
        }),
      ])
      .state();
    expect([...state.positions.keys()]).toEqual([1_000_002]);
  });
});

// ---------------------------------------------------------------------------------------------
// Which accounts a tick checks
// ---------------------------------------------------------------------------------------------

describe("Ann's BUY 1 BTCUSD (1000 USD, level 95.12 % at bid 41400, no margin call recorded yet) and Bob's BUY 1 EURUSD", () => {
  const history = () => [
    ...ann('1000'),
    ...bob(),
    btcAt100('1000'),
    opened({ orderId: 1_000_002, accountId: BOB_ACCOUNT, symbol: 'EURUSD', openPrice: '1.0851', leverage: 100, margin: '1085.1' }),
  ];
  const market: Prices = { BTCUSD: ['41400.00', '41400.50'], EURUSD: ['1.08500', '1.08510'], ETHUSD: ['2500.00', '2500.50'] };

  it.each<[string, string[]]>([
    ['ETHUSD', []], // nobody holds ETHUSD
    ['EURUSD', []], // only Bob is checked, and he is fine
    ['BTCUSD', ['MarginCallTriggered']], // Ann is checked: 95.12 % ≤ 100 %
  ])('a tick on %s records %j', (symbol, types) => {
    const [bid, ask] = market[symbol]!;
    const { command, ctx } = tick(symbol, bid, ask, market);
    const { events } = given(history()).when(command, ctx).decision;
    expect(events.map((e) => [e.type, (e.data as { accountId: number }).accountId])).toEqual(types.map((type) => [type, ANN_ACCOUNT]));
  });
});

describe('an account with 1300 USD and a BUY 1 AUDNZD at 1.09010 (margin 665.02); AUDNZD bid 1.08010', () => {
  // Floating (1.08010 − 1.09010) × 100000 = −1000 NZD, worth −1000 × the NZDUSD mid in USD.
  const history = () => [...ann('1300'), opened({ orderId: 1_000_001, symbol: 'AUDNZD', openPrice: '1.0901', leverage: 100, margin: '665.02', balance: '1300' })];
  const audnzd: Prices = { AUDNZD: ['1.08010', '1.08020'] };

  it.each<[string, string, string, DomainEvent[]]>([
    // mid 0.61005: −610.05, equity 689.95, level 103.748… → 103.75 %: nothing
    ['NZDUSD', '0.61000', '0.61010', []],
    // mid 0.65005: −650.05, equity 649.95, level 97.733… → 97.73 %: a margin call, though she holds no NZDUSD
    ['NZDUSD', '0.65000', '0.65010', [marginCall('97.73', '649.95', '665.02')]],
  ])('a tick on %s %s / %s records %j', (symbol, bid, ask, expected) => {
    const { command, ctx } = tick(symbol, bid, ask, audnzd);
    given(history()).when(command, ctx).then(expected);
  });

  it('a tick on EURUSD, which her position does not depend on, checks nothing even with NZDUSD at 0.65005', () => {
    const { command, ctx } = tick('EURUSD', '1.08500', '1.08510', { ...audnzd, NZDUSD: ['0.65000', '0.65010'] });
    given(history()).when(command, ctx).then([]);
  });
});
