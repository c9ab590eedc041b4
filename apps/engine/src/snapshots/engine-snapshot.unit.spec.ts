import {
  decide,
  evolve,
  initialState,
  PriceBoard,
  type DomainEvent,
  type EngineCommand,
  type EngineState,
} from '../../../../libs/domain/src/index.js';
import {
  changeGroup,
  close,
  defineGroup,
  deposit,
  modifyPosition,
  NOW,
  order,
  pending,
  register,
  tick,
} from '../testing/engine-commands.js';
import { ENGINE_SNAPSHOT_VERSION, engineStateFromJson, engineStateToJson, snapshotProblem } from './engine-snapshot.js';
import { digestEngineState } from './engine-state-digest.js';

/** Decides and evolves like the engine runner does, without a log. */
function driver(state: EngineState = initialState()) {
  const market = new PriceBoard();
  return {
    state,
    market,
    run(command: EngineCommand): DomainEvent[] {
      if (command.type === 'ApplyTick') market.update(command.tick);
      const decision = decide(state, command, { now: NOW, market, priceStaleMs: 3_600_000 });
      for (const event of decision.events) evolve(state, event);
      return decision.events;
    },
  };
}

/** Two accounts, a custom group, positions with TP/SL (one partly closed), resting pending orders, one with an expiry. */
function busyState() {
  const d = driver();
  const a = d.run(register('ann@example.com'));
  d.run(register('bob@example.com', '5000'));
  const accountA = (a.find((e) => e.type === 'AccountOpened')!.data as { accountId: number }).accountId;
  const accountB = accountA + 1;
  d.run(defineGroup('vip', '7'));
  d.run({ ...defineGroup('fx-only'), symbols: ['EURUSD', 'GBPUSD'] } as EngineCommand);
  d.run(changeGroup(accountB, 'vip'));
  d.run(deposit(accountA, '500'));
  d.run(tick('BTCUSD', '42000', '42010'));
  d.run(tick('EURUSD', '1.0845', '1.0846'));
  d.run(order(accountA, { takeProfit: '45000', stopLoss: '40000' }));
  d.run(close(1, 1_000_001, '0.2'));
  d.run(order(accountB, { userId: 2, side: 'SELL', volume: '1', leverage: 20, takeProfit: '41000' }));
  d.run(order(accountA, { symbol: 'EURUSD', volume: '1', leverage: 100, stopLoss: '1.07' }));
  d.run(pending(1, accountA, 'BUY_LIMIT', '40500'));
  d.run(pending(2, accountB, 'BUY_STOP', '46000', { expiration: { type: 'SPECIFIED', time: NOW + 3_600_000 } }));
  d.run(pending(1, accountA, 'SELL_LIMIT', '43000', { expiration: { type: 'DAY', time: null } })); // a DAY order stays one
  d.run(modifyPosition(1, 1_000_001, '44000', null));
  expect([d.state.users.size, d.state.accounts.size, d.state.positions.size, d.state.orders.size, d.state.expiries.size]).toEqual([2, 2, 3, 3, 2]);
  expect(d.state.triggers.size('BTCUSD')).toBe(5); // 1000001's TP (its SL was removed), 1000002's TP, three entries
  return d;
}

describe('a busy engine state', () => {
  it('comes back from its snapshot JSON with every map, set and counter equal', () => {
    const { state } = busyState();
    const restored = engineStateFromJson(JSON.parse(JSON.stringify(engineStateToJson(state))));
    expect(restored.users).toEqual(state.users);
    expect(restored.usersByEmail).toEqual(state.usersByEmail);
    expect(restored.accounts).toEqual(state.accounts);
    expect(restored.positions).toEqual(state.positions);
    expect(restored.orders).toEqual(state.orders);
    expect(restored.groups).toEqual(state.groups);
    expect(restored.lastIds).toEqual(state.lastIds);
    expect(restored.idSpace).toEqual(state.idSpace);
    expect(Object.keys(restored).sort()).toEqual(Object.keys(state).sort());
    expect(digestEngineState(restored)).toEqual(digestEngineState(state));
  });

  it('decides every later input exactly like the state it was taken from (TP, SL, entries, expiry, new ids)', () => {
    const original = busyState();
    const restored = driver(engineStateFromJson(engineStateToJson(original.state)));
    for (const quote of original.market.all()) restored.market.update(quote);
    const inputs: EngineCommand[] = [
      tick('BTCUSD', '40450', '40460'), // fills the buy limit; 1000002's SELL TP 41000 fires at the ask
      tick('BTCUSD', '44000', '44010'), // 1000001's modified TP fires
      tick('EURUSD', '1.0699', '1.07'), // the EURUSD SL fires
      { type: 'AdvanceClock', commandId: 'clock', now: NOW + 7_200_000 }, // the buy stop expires
      order(100_001, { volume: '0.1' }), // takes the next order id
      register('cy@example.com'), // takes the next user and account ids
    ];
    const happened: string[] = [];
    for (const input of inputs) {
      const events = original.run(input);
      expect(restored.run(input)).toEqual(events);
      for (const e of events) happened.push(e.type === 'PositionClosed' ? `${e.type}:${e.data.reason}` : e.type === 'OrderCancelled' ? `${e.type}:${e.data.reason}` : e.type);
    }
    // The inputs did exercise every index the snapshot had to re-arm.
    expect(happened).toEqual(expect.arrayContaining(['PositionOpened', 'PositionClosed:TAKE_PROFIT', 'PositionClosed:STOP_LOSS', 'OrderCancelled:EXPIRED', 'UserRegistered']));
    expect(digestEngineState(restored.state)).toEqual(digestEngineState(original.state));
  });
});

describe('a stored snapshot', () => {
  const valid = () => ({
    version: ENGINE_SNAPSHOT_VERSION,
    position: 3,
    lastEventId: 'e',
    takenAt: '',
    state: engineStateToJson(initialState()),
    revisions: [],
    commands: { ids: ['c1'], positions: [3], outcomes: ['{"code":"TRADE_RETCODE_DONE","message":"Request completed"}'] },
  });

  it('is usable when its version and engine shard match', () => {
    expect(snapshotProblem(valid(), { shard: 0, shards: 1 })).toBeUndefined();
  });

  it('is usable when written by the previous release (version 1, outcomes as pairs)', () => {
    const { commands: _, ...rest } = valid();
    expect(snapshotProblem({ ...rest, version: 1, outcomes: [] }, { shard: 0, shards: 1 })).toBeUndefined();
  });

  it('is refused when its remembered commands do not line up', () => {
    const snapshot = valid();
    snapshot.commands.positions.push(4);
    expect(snapshotProblem(snapshot, { shard: 0, shards: 1 })).toMatch(/incomplete/);
  });

  it('is refused, saying why, when written in another version', () => {
    expect(snapshotProblem({ ...valid(), version: ENGINE_SNAPSHOT_VERSION + 1 }, { shard: 0, shards: 1 })).toMatch(/version/);
  });

  it('is refused when another engine shard took it', () => {
    expect(snapshotProblem(valid(), { shard: 1, shards: 2 })).toMatch(/shard/);
  });

  it('is refused when it is not a snapshot at all', () => {
    expect(snapshotProblem(null, { shard: 0, shards: 1 })).toBeDefined();
    expect(snapshotProblem({ version: ENGINE_SNAPSHOT_VERSION }, { shard: 0, shards: 1 })).toBeDefined();
  });
});
