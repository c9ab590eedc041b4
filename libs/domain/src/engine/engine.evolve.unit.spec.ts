import {
  decide,
  evolve,
  findInstrument,
  initialState,
  nextId,
  parseFixed,
  type DomainEvent,
  type EngineCommand,
  type EngineState,
  type PlaceOrder,
  type PositionClosed,
  type PositionOpened,
} from '../index.js';
import { context, given, marketOf, withoutCaches } from '../testing/decider-spec.js';

const f = parseFixed;
const AT = '2026-03-03T10:00:00.000Z';
const NOW = Date.parse('2026-03-03T10:30:00.000Z');
const ACCOUNT = 100_001;

const replay = (events: DomainEvent[], state: EngineState = initialState()) => {
  for (const event of events) evolve(state, event);
  return state;
};

const signUp = (userId = 1, accountId = ACCOUNT, email = 'ann@example.com', balance = '10000'): DomainEvent[] => [
  { type: 'UserRegistered', data: { userId, email, passwordHash: 'h', registeredAt: AT } },
  { type: 'AccountOpened', data: { accountId, userId, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: AT } },
  { type: 'BalanceChanged', data: { accountId, kind: 'DEPOSIT', amount: balance, balance, comment: 'Initial deposit', changedAt: AT } },
];

const opened = (data: Partial<PositionOpened['data']> & Pick<PositionOpened['data'], 'orderId'>): PositionOpened => ({
  type: 'PositionOpened',
  data: {
    accountId: ACCOUNT,
    symbol: 'BTCUSD',
    side: 'BUY',
    volume: '1',
    openPrice: '42000.5',
    leverage: 10,
    margin: '4200.05',
    takeProfit: '43000',
    stopLoss: '41000',
    openTime: AT,
    quote: { bid: '42000', ask: '42000.5', time: AT },
    clientId: null,
    comment: null,
    orderType: 'MARKET',
    commission: '0', // demo group
    balance: '10000', // the balance after a zero commission: unchanged
    magic: null,
    ...data,
  },
});

const closedEvent = (data: Partial<PositionClosed['data']>): PositionClosed => ({
  type: 'PositionClosed',
  data: {
    accountId: ACCOUNT,
    orderId: 1_000_001,
    symbol: 'BTCUSD',
    side: 'BUY',
    volume: '1',
    remainingVolume: '0',
    openPrice: '42000.5',
    closePrice: '42500',
    leverage: 10,
    takeProfit: '43000',
    stopLoss: '41000',
    openTime: AT,
    closeTime: AT,
    profit: '499.5',
    marginReleased: '4200.05',
    balance: '10499.5',
    reason: 'MANUAL',
    quote: { bid: '42500', ask: '42500.5', time: AT },
    ...data,
  },
});

describe('replaying a sign-up', () => {
  it('holds the user, its email index and the account with its balance', () => {
    const state = replay(signUp());
    expect(state.users.get(1)).toEqual({ userId: 1, email: 'ann@example.com', accountIds: [ACCOUNT] });
    expect(state.usersByEmail.get('ann@example.com')).toBe(1);
    expect(state.accounts.get(ACCOUNT)).toEqual({
      accountId: ACCOUNT,
      userId: 1,
      name: 'Main',
      group: 'demo',
      currency: 'USD',
      leverage: 100,
      balance: f('10000'),
      margin: 0n,
      positionIds: new Set(),
      orderIds: new Set(),
      marginCall: false,
    });
  });

  it('restores the id counters so the next user and account ids continue (2, 100002)', () => {
    const state = replay(signUp());
    expect(state.lastIds).toEqual({ user: 1, account: ACCOUNT, order: 1_000_000 });
    expect(nextId(state, 'user')).toBe(2);
    expect(nextId(state, 'account')).toBe(100_002);
    expect(nextId(state, 'order')).toBe(1_000_001);
  });

  it('indexes an email stored with capitals under its normalized form', () => {
    const state = replay(signUp(1, ACCOUNT, 'Ann@Example.COM'));
    expect(state.usersByEmail.get('ann@example.com')).toBe(1);
  });

  it('returns the very state it was given (in place)', () => {
    const state = initialState();
    expect(evolve(state, signUp()[0]!)).toBe(state);
  });
});

describe('replaying balance changes', () => {
  it('takes the balance recorded in the event (10000 → 10500.25 → 9000)', () => {
    const state = replay([
      ...signUp(),
      { type: 'BalanceChanged', data: { accountId: ACCOUNT, kind: 'DEPOSIT', amount: '500.25', balance: '10500.25', comment: '', changedAt: AT } },
    ]);
    expect(state.accounts.get(ACCOUNT)!.balance).toBe(f('10500.25'));
    replay(
      [{ type: 'BalanceChanged', data: { accountId: ACCOUNT, kind: 'WITHDRAWAL', amount: '-1500.25', balance: '9000', comment: '', changedAt: AT } }],
      state,
    );
    expect(state.accounts.get(ACCOUNT)!.balance).toBe(f('9000'));
  });
});

describe('replaying an opened position', () => {
  it('holds the position, adds its margin and arms its TP and SL', () => {
    const state = replay([...signUp(), opened({ orderId: 1_000_001 })]);
    expect(state.positions.get(1_000_001)).toEqual({
      orderId: 1_000_001,
      accountId: ACCOUNT,
      instrument: findInstrument('BTCUSD'),
      side: 'BUY',
      volume: f('1'),
      openPrice: f('42000.5'),
      leverage: 10,
      margin: f('4200.05'),
      takeProfit: f('43000'),
      stopLoss: f('41000'),
      openTime: AT,
    });
    const account = state.accounts.get(ACCOUNT)!;
    expect(account.margin).toBe(f('4200.05'));
    expect(account.positionIds).toEqual(new Set([1_000_001]));
    expect(account.balance).toBe(f('10000')); // opening books no money
    expect(state.triggers.size('BTCUSD')).toBe(2);
    expect(state.triggers.fired('BTCUSD', f('43000'), f('43000.5'))).toEqual([{ orderId: 1_000_001, kind: 'TAKE_PROFIT' }]);
    expect(state.triggers.fired('BTCUSD', f('41000'), f('41000.5'))).toEqual([{ orderId: 1_000_001, kind: 'STOP_LOSS' }]);
    expect(nextId(state, 'order')).toBe(1_000_002);
  });

  it('arms nothing for a position without levels', () => {
    const state = replay([...signUp(), opened({ orderId: 1_000_001, takeProfit: null, stopLoss: null })]);
    expect(state.triggers.size()).toBe(0);
  });

  it('sums the margin of two positions: 4200.05 + 2105.03 = 6305.08', () => {
    const state = replay([
      ...signUp(),
      opened({ orderId: 1_000_001 }),
      opened({ orderId: 1_000_002, volume: '0.5', openPrice: '42100.5', margin: '2105.03' }),
    ]);
    expect(state.accounts.get(ACCOUNT)!.margin).toBe(f('6305.08'));
    expect(state.lastIds.order).toBe(1_000_002);
  });

  it('refuses an event about an unknown account or symbol', () => {
    expect(() => replay([...signUp(), opened({ orderId: 1_000_001, accountId: 999 })])).toThrow(/unknown (symbol|account)/);
    expect(() => replay([...signUp(), opened({ orderId: 1_000_001, symbol: 'DOGEUSD' })])).toThrow(/unknown (symbol|account)/);
  });
});

describe('replaying a closed position', () => {
  it('a partial close keeps the position with 0.7 lots and 2940.03 margin, still armed', () => {
    const state = replay([
      ...signUp(),
      opened({ orderId: 1_000_001 }),
      closedEvent({ volume: '0.3', remainingVolume: '0.7', profit: '149.85', marginReleased: '1260.02', balance: '10149.85', reason: 'PARTIAL' }),
    ]);
    expect(state.positions.get(1_000_001)).toMatchObject({ volume: f('0.7'), margin: f('2940.03') }); // 4200.05 − 1260.02
    expect(state.accounts.get(ACCOUNT)).toMatchObject({ balance: f('10149.85'), margin: f('2940.03'), positionIds: new Set([1_000_001]) });
    expect(state.triggers.size('BTCUSD')).toBe(2);
  });

  it('a full close removes the position, releases all margin and disarms its levels', () => {
    const state = replay([...signUp(), opened({ orderId: 1_000_001 }), closedEvent({})]);
    expect(state.positions.has(1_000_001)).toBe(false);
    expect(state.accounts.get(ACCOUNT)).toMatchObject({ balance: f('10499.5'), margin: 0n, positionIds: new Set() });
    expect(state.triggers.size()).toBe(0);
    expect(state.triggers.fired('BTCUSD', f('50000'), f('50000'))).toEqual([]);
    expect(state.lastIds.order).toBe(1_000_001); // a closed id is never handed out again
    expect(nextId(state, 'order')).toBe(1_000_002);
  });

  it('closing one of two positions leaves the other armed', () => {
    const state = replay([
      ...signUp(),
      opened({ orderId: 1_000_001 }),
      opened({ orderId: 1_000_002, takeProfit: '42900', stopLoss: null }),
      closedEvent({}),
    ]);
    expect(state.triggers.fired('BTCUSD', f('43000'), f('43000.5'))).toEqual([{ orderId: 1_000_002, kind: 'TAKE_PROFIT' }]);
    expect(state.accounts.get(ACCOUNT)!.margin).toBe(f('4200.05'));
  });

  it('refuses a close of an unknown position', () => {
    expect(() => replay([...signUp(), closedEvent({})])).toThrow(/unknown (position|account)/);
  });
});

describe('replaying a rejection', () => {
  it('changes nothing', () => {
    const state = replay([...signUp(), opened({ orderId: 1_000_001 })]);
    const before = { account: { ...state.accounts.get(ACCOUNT)! }, lastIds: { ...state.lastIds }, positions: state.positions.size };
    evolve(state, {
      type: 'TradeRejected',
      data: {
        accountId: ACCOUNT,
        commandId: 'c',
        command: 'PlaceOrder',
        code: 'TRADE_RETCODE_NO_MONEY',
        reason: 'INSUFFICIENT_FREE_MARGIN',
        rejectedAt: AT,
        quote: null,
      },
    });
    expect({ account: { ...state.accounts.get(ACCOUNT)! }, lastIds: state.lastIds, positions: state.positions.size }).toEqual(before);
    expect(state.triggers.size()).toBe(2);
  });
});

describe('an engine shard 2 of 4', () => {
  it('continues with its own ids after replay: user 6, account 100006, order 1000006', () => {
    // Shard 2 owns ids ≡ 2 (mod 4): 2, 6, 10…; 100002, 100006…; 1000002, 1000006…
    const state = replay(
      [...signUp(2, 100_002), opened({ orderId: 1_000_002, accountId: 100_002 })],
      initialState({ shard: 2, shards: 4 }),
    );
    expect(nextId(state, 'user')).toBe(6); // 3 → next ≡ 2 (mod 4) is 6
    expect(nextId(state, 'account')).toBe(100_006); // 100003 → 100006 (100006 − 2 = 4 × 25001)
    expect(nextId(state, 'order')).toBe(1_000_006);
  });

  it('keeps the highest id seen when events arrive in any order', () => {
    const state = replay([
      ...signUp(),
      opened({ orderId: 1_000_009 }),
      opened({ orderId: 1_000_003, takeProfit: null, stopLoss: null }),
    ]);
    expect(state.lastIds.order).toBe(1_000_009);
    expect(nextId(state, 'order')).toBe(1_000_010);
  });
});

describe('replaying the events of decisions', () => {
  const order = (overrides: Partial<PlaceOrder> = {}): PlaceOrder => ({
    type: 'PlaceOrder',
    commandId: 'c',
    userId: 1,
    accountId: ACCOUNT,
    symbol: 'BTCUSD',
    side: 'BUY',
    volume: '1',
    leverage: 10,
    takeProfit: '43000',
    stopLoss: '41000',
    slippage: null,
    clientId: null,
    comment: null,
    magic: null,
    deadline: NOW + 3_000,
    ...overrides,
  });

  it('an opened order: the state holds what the decision reported (order 1000001, margin 4200.05, armed)', () => {
    const spec = given(signUp()).when(order(), context(marketOf({ BTCUSD: ['42000.00', '42000.50'] }, NOW), NOW));
    expect(spec.decision.outcome).toMatchObject({ orderId: 1_000_001, price: '42000.5' });
    const state = spec.state();
    expect(state.positions.get(1_000_001)).toMatchObject({ openPrice: f('42000.5'), margin: f('4200.05'), volume: f('1') });
    expect(state.accounts.get(ACCOUNT)!.margin).toBe(f('4200.05'));
    expect(state.triggers.size('BTCUSD')).toBe(2);
    expect(nextId(state, 'order')).toBe(1_000_002);
  });

  it('a take profit: the state has the new balance and no position, and its levels are disarmed', () => {
    const history = [...signUp(), opened({ orderId: 1_000_001 })];
    const quote = { symbol: 'BTCUSD', bid: f('43000'), ask: f('43000.5'), time: NOW };
    const spec = given(history).when(
      { type: 'ApplyTick', commandId: 't', tick: quote },
      context(marketOf({ BTCUSD: ['43000', '43000.5'] }, NOW), NOW),
    );
    const state = spec.state();
    expect(state.accounts.get(ACCOUNT)).toMatchObject({ balance: f('10999.5'), margin: 0n }); // 10000 + (43000 − 42000.50)
    expect(state.positions.size).toBe(0);
    expect(state.triggers.size()).toBe(0);
    // The same tick again finds nothing left to close.
    expect(decide(state, { type: 'ApplyTick', commandId: 't2', tick: quote }, context(marketOf({ BTCUSD: ['43000', '43000.5'] }, NOW), NOW)).events).toEqual([]);
  });

  it('a sequence of decisions replayed from its log into a fresh state gives an equal state, and ids continue', () => {
    const live = initialState();
    const log: DomainEvent[] = [];
    const market = marketOf({ BTCUSD: ['42000.00', '42000.50'], EURUSD: ['1.08500', '1.08510'] }, NOW);
    const ctx = context(market, NOW);
    const run = (command: EngineCommand) => {
      const decision = decide(live, command, ctx);
      for (const event of decision.events) {
        evolve(live, event);
        log.push(event);
      }
      return decision;
    };
    run({ type: 'RegisterUser', commandId: 'r1', email: 'ann@example.com', passwordHash: 'h', initialBalance: '10000' });
    run({ type: 'RegisterUser', commandId: 'r2', email: 'bob@example.com', passwordHash: 'h', initialBalance: '5000' });
    run(order({ commandId: 'o1' })); // 1000001, margin 4200.05
    run(order({ commandId: 'o2', symbol: 'EURUSD', side: 'SELL', leverage: 100, takeProfit: '1.08', stopLoss: '1.09' })); // 1000002, margin 1085
    run(order({ commandId: 'o3', volume: '0.001' })); // rejected: recorded, no state change
    run({ type: 'ClosePosition', commandId: 'c1', userId: 1, accountId: null, orderId: 1_000_001, volume: '0.4', deadline: NOW + 1 }); // partial
    run({ type: 'ChangeBalance', commandId: 'b1', accountId: 100_002, amount: '-1000', comment: '' });
    expect(log.map((e) => e.type)).toEqual([
      'UserRegistered',
      'AccountOpened',
      'BalanceChanged',
      'UserRegistered',
      'AccountOpened',
      'BalanceChanged',
      'PositionOpened',
      'PositionOpened',
      'TradeRejected',
      'PositionClosed',
      'BalanceChanged',
    ]);

    const replayed = replay(log);
    expect(withoutCaches(replayed)).toEqual(withoutCaches(live));
    // Partial close of 0.4 at the bid 42000.00: (42000.00 − 42000.50) × 0.4 = −0.20; margin released 4200.05 × 0.4 = 1680.02.
    expect(replayed.accounts.get(ACCOUNT)).toMatchObject({ balance: f('9999.8'), margin: f('3605.03') }); // 4200.05 − 1680.02 + 1085
    expect(replayed.accounts.get(100_002)).toMatchObject({ balance: f('4000'), margin: 0n });
    expect(replayed.triggers.size()).toBe(4); // two levels each on 1000001 (0.6 left) and 1000002

    // The next ids continue after the replayed ones.
    const next = decide(replayed, order({ commandId: 'o4', takeProfit: null, stopLoss: null }), ctx);
    expect(next.outcome).toMatchObject({ code: 'TRADE_RETCODE_DONE', orderId: 1_000_003 });
    const third = decide(replayed, { type: 'RegisterUser', commandId: 'r3', email: 'cy@example.com', passwordHash: 'h', initialBalance: '1' }, ctx);
    expect(third.outcome).toMatchObject({ userId: 3, accountId: 100_003 });
  });
});

describe("replaying a pending order's life", () => {
  const placedEvent = (data: Partial<Extract<DomainEvent, { type: 'OrderPlaced' }>['data']> = {}): DomainEvent => ({
    type: 'OrderPlaced',
    data: {
      accountId: ACCOUNT,
      orderId: 1_000_001,
      symbol: 'BTCUSD',
      orderType: 'BUY_STOP_LIMIT',
      side: 'BUY',
      volume: '1',
      price: '42100',
      stopLimitPrice: '42050',
      leverage: 10,
      takeProfit: '43000',
      stopLoss: null,
      expiration: { type: 'SPECIFIED', at: '2026-03-03T12:00:00.000Z' },
      placedAt: AT,
      clientId: 'c-1',
      comment: null,
      magic: 9,
      ...data,
    },
  });

  it('placed: held with its expiry, its stop armed on the ask, no margin held, the id counter moved on', () => {
    const state = replay([...signUp(), placedEvent()]);
    expect(state.orders.get(1_000_001)).toMatchObject({
      orderType: 'BUY_STOP_LIMIT',
      side: 'BUY',
      price: f('42100'),
      stopLimitPrice: f('42050'),
      takeProfit: f('43000'),
      expiresAt: Date.parse('2026-03-03T12:00:00.000Z'),
      magic: 9,
    });
    expect(state.accounts.get(ACCOUNT)).toMatchObject({ margin: 0n, orderIds: new Set([1_000_001]) });
    expect(state.triggers.entries('BTCUSD', f('42099.5'), f('42100'))).toEqual([1_000_001]); // the ask reaches the stop
    expect(state.triggers.entries('BTCUSD', f('42099'), f('42099.5'))).toEqual([]);
    expect(state.expiries.atMost(Date.parse('2026-03-03T12:00:00.000Z'))).toEqual([1_000_001]);
    expect(nextId(state, 'order')).toBe(1_000_002);
  });

  it('modified: re-armed at the new entry and expiry', () => {
    const state = replay([
      ...signUp(),
      placedEvent(),
      {
        type: 'OrderModified',
        data: {
          accountId: ACCOUNT,
          orderId: 1_000_001,
          price: '42200',
          stopLimitPrice: '42150',
          takeProfit: null,
          stopLoss: '41000',
          expiration: { type: 'GTC', at: null },
          modifiedAt: AT,
        },
      },
    ]);
    expect(state.orders.get(1_000_001)).toMatchObject({ price: f('42200'), stopLimitPrice: f('42150'), takeProfit: null, stopLoss: f('41000'), expiresAt: null });
    expect(state.triggers.entries('BTCUSD', f('42099.5'), f('42100'))).toEqual([]); // the old stop
    expect(state.triggers.entries('BTCUSD', f('42199.5'), f('42200'))).toEqual([1_000_001]);
    expect(state.expiries.size).toBe(0);
  });

  it('activated: a BUY_LIMIT at the stop-limit price, watching the ask from above', () => {
    const state = replay([
      ...signUp(),
      placedEvent(),
      {
        type: 'OrderActivated',
        data: { accountId: ACCOUNT, orderId: 1_000_001, orderType: 'BUY_LIMIT', price: '42050', activatedAt: AT, quote: { bid: '42099.5', ask: '42100', time: AT } },
      },
    ]);
    expect(state.orders.get(1_000_001)).toMatchObject({ orderType: 'BUY_LIMIT', price: f('42050'), stopLimitPrice: null });
    expect(state.triggers.entries('BTCUSD', f('42150'), f('42150.5'))).toEqual([]); // no longer a stop
    expect(state.triggers.entries('BTCUSD', f('42049.5'), f('42050'))).toEqual([1_000_001]);
  });

  it('filled: the order becomes the position with its id, the commission is booked, nothing is left armed for the entry', () => {
    const state = replay([
      ...signUp(),
      placedEvent({ orderType: 'BUY_LIMIT', price: '41900', stopLimitPrice: null }),
      opened({ orderId: 1_000_001, openPrice: '41900', margin: '4190', takeProfit: '43000', stopLoss: null, orderType: 'BUY_LIMIT', commission: '7', balance: '9993' }),
    ]);
    expect(state.orders.size).toBe(0);
    expect(state.positions.get(1_000_001)).toMatchObject({ openPrice: f('41900'), margin: f('4190') });
    expect(state.accounts.get(ACCOUNT)).toMatchObject({ balance: f('9993'), margin: f('4190'), orderIds: new Set(), positionIds: new Set([1_000_001]) }); // 10000 − 7
    expect(state.triggers.entries('BTCUSD', f('41000'), f('41000.5'))).toEqual([]);
    expect(state.triggers.size('BTCUSD')).toBe(1); // the position's TP
    expect(state.expiries.size).toBe(0);
  });

  it.each(['CANCELLED', 'EXPIRED', 'NO_MONEY'] as const)('cancelled (%s): removed and disarmed', (reason) => {
    const state = replay([
      ...signUp(),
      placedEvent(),
      { type: 'OrderCancelled', data: { accountId: ACCOUNT, orderId: 1_000_001, reason, cancelledAt: AT, quote: null } },
    ]);
    expect(state.orders.size).toBe(0);
    expect(state.accounts.get(ACCOUNT)!.orderIds.size).toBe(0);
    expect(state.triggers.size()).toBe(0);
    expect(state.expiries.size).toBe(0);
    expect(nextId(state, 'order')).toBe(1_000_002); // a cancelled id is never handed out again
  });
});

describe('replaying groups, margin calls and write-offs', () => {
  it('a group defined and an account moved into it: the account takes the group and its leverage', () => {
    const state = replay([
      ...signUp(),
      {
        type: 'GroupDefined',
        data: {
          name: 'pro',
          leverage: 200,
          maxLeverage: 500,
          marginCallPercent: '80',
          stopOutPercent: '30',
          commissionPerLot: '7',
          symbols: ['EURUSD'],
          hedging: false,
          definedAt: AT,
        },
      },
      { type: 'AccountGroupChanged', data: { accountId: ACCOUNT, group: 'pro', leverage: 200, changedAt: AT } },
    ]);
    expect(state.groups.get('pro')).toEqual({
      name: 'pro',
      leverage: 200,
      maxLeverage: 500,
      marginCallPercent: f('80'),
      stopOutPercent: f('30'),
      commissionPerLot: f('7'),
      symbols: new Set(['EURUSD']),
      hedging: false,
    });
    expect(state.accounts.get(ACCOUNT)).toMatchObject({ group: 'pro', leverage: 200 });
  });

  it('a margin call sets the flag and its clearing resets it', () => {
    const state = replay([
      ...signUp(),
      { type: 'MarginCallTriggered', data: { accountId: ACCOUNT, marginLevel: '95.12', equity: '399.5', margin: '420.01', at: AT } },
    ]);
    expect(state.accounts.get(ACCOUNT)!.marginCall).toBe(true);
    replay([{ type: 'MarginCallCleared', data: { accountId: ACCOUNT, marginLevel: null, at: AT } }], state);
    expect(state.accounts.get(ACCOUNT)!.marginCall).toBe(false);
  });

  it('a write-off takes the balance it reports: 10000 + (30999 − 42000.50) = −1001.50 → 0', () => {
    const state = replay([
      ...signUp(),
      opened({ orderId: 1_000_001 }),
      closedEvent({ closePrice: '30999', profit: '-11001.5', balance: '-1001.5', reason: 'STOP_OUT' }),
      { type: 'BalanceWrittenOff', data: { accountId: ACCOUNT, amount: '1001.5', balance: '0', at: AT } },
    ]);
    expect(state.accounts.get(ACCOUNT)).toMatchObject({ balance: 0n, margin: 0n });
  });
});
