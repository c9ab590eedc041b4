import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFixed, PriceBoard, type EngineCommand, type PlaceOrder } from '../../../libs/domain/src/index.js';
import { SqliteEventStore } from '../../../libs/event-store/src/index.js';
import { derivedCommandId, InProcessEngineBus, type EngineReply } from '../../../libs/messaging/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { EngineRunner, type EngineRunnerOptions } from './engine-runner.js';
import { NOW, order, register as registerUser, tick as tickAt } from './testing/engine-commands.js';

function harness(dir: string, extra: Partial<EngineRunnerOptions> = {}) {
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  let appends = 0;
  const appendMany = store.appendMany.bind(store);
  store.appendMany = (requests) => {
    appends += 1;
    return appendMany(requests);
  };
  const prices = new PriceBoard();
  const runner = new EngineRunner(store, prices, { priceStaleMs: 30_000, clock: () => NOW, logger: createLogger('test-engine'), ...extra });
  const bus = new InProcessEngineBus();
  const send = (command: EngineCommand): Promise<EngineReply> => bus.request({ command, correlationId: `c-${command.commandId}` }, 3_000);
  return {
    store,
    runner,
    bus,
    prices,
    send,
    appends: () => appends,
    async start() {
      await runner.load();
      bus.start(runner.handle);
    },
    async stop() {
      await bus.stop();
      await store.close();
    },
  };
}

// The shared builders, with the fixed command ids these tests send again on purpose.
const register = (n: number): EngineCommand => ({ ...registerUser(`trader${n}@example.com`), commandId: `register-${n}` });
const buy = (commandId: string, accountId: number, extra: Partial<PlaceOrder> = {}): PlaceOrder => order(accountId, { commandId, ...extra });
const tick = (bid: string, ask: string): EngineCommand => tickAt('BTCUSD', bid, ask);

describe('an engine over a real SQLite log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engine-int-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('with commands arriving together', () => {
    it('decides them in one batch, appends once, and replies to each with the log position', async () => {
      const engine = harness(dir);
      await engine.start();
      const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => engine.send(register(n))));
      expect(replies.map((r) => r.outcome.code)).toEqual(Array(5).fill('TRADE_RETCODE_DONE'));
      expect(new Set(replies.map((r) => r.outcome.accountId)).size).toBe(5);
      expect(engine.appends()).toBe(1);
      const head = await engine.store.headPosition();
      for (const reply of replies) expect(reply.position).toBe(head);
      await engine.stop();
    });
  });

  describe('with a command delivered twice', () => {
    it('answers the redelivery with the first result and applies it once, also after a restart', async () => {
      let engine = harness(dir);
      await engine.start();
      const { outcome } = await engine.send(register(1));
      await engine.send(tick('42000.00', '42001.00'));
      const first = await engine.send(buy('order-1', outcome.accountId!));
      const again = await engine.send(buy('order-1', outcome.accountId!));
      expect(again).toEqual(first);
      await engine.stop();

      engine = harness(dir);
      await engine.start();
      engine.prices.update({ symbol: 'BTCUSD', bid: parseFixed('42000.00'), ask: parseFixed('42001.00'), time: NOW });
      const afterRestart = await engine.send(buy('order-1', outcome.accountId!));
      expect(afterRestart.outcome).toEqual(first.outcome);
      const opened = (await engine.store.readStream(`account-${outcome.accountId}`)).filter((e) => e.type === 'PositionOpened');
      expect(opened).toHaveLength(1);
      expect(engine.runner.engineState.positions.size).toBe(1);
      await engine.stop();
    });
  });

  describe('with a dedup window of three commands', () => {
    const deposit = (n: number, accountId: number): EngineCommand => ({ type: 'ChangeBalance', commandId: `deposit-${n}`, accountId, amount: '1', comment: `deposit ${n}` });

    it('answers a redelivery of any of the last three with its first result and applies none twice, also after a restart', async () => {
      let engine = harness(dir, { commandMemory: 3 });
      await engine.start();
      const { outcome } = await engine.send(register(1));
      const accountId = outcome.accountId!;
      const firsts: EngineReply[] = [];
      for (let n = 1; n <= 5; n++) firsts.push(await engine.send(deposit(n, accountId)));
      for (const n of [3, 4, 5]) expect(await engine.send(deposit(n, accountId))).toEqual(firsts[n - 1]);
      await engine.stop();

      engine = harness(dir, { commandMemory: 3 });
      await engine.start();
      for (const n of [3, 4, 5]) expect(await engine.send(deposit(n, accountId))).toEqual({ ...firsts[n - 1], position: expect.any(Number) });
      const deposits = (await engine.store.readStream(`account-${accountId}`)).filter((e) => e.type === 'BalanceChanged');
      expect(deposits).toHaveLength(6); // the opening deposit and five, none twice
      expect(engine.runner.engineState.accounts.get(accountId)!.balance).toBe(parseFixed('10005'));
      await engine.stop();
    });

    it('no longer recognises a command that more than three later commands have pushed out', async () => {
      const engine = harness(dir, { commandMemory: 3 });
      await engine.start();
      const { outcome } = await engine.send(register(1));
      for (let n = 1; n <= 4; n++) await engine.send(deposit(n, outcome.accountId!));
      await engine.send(deposit(1, outcome.accountId!));
      expect(engine.runner.engineState.accounts.get(outcome.accountId!)!.balance).toBe(parseFixed('10005'));
      await engine.stop();
    });
  });

  describe('with a dedup window of three commands and a command whose id was derived from a request (an Idempotency-Key)', () => {
    const deposit = (commandId: string, accountId: number): EngineCommand => ({ type: 'ChangeBalance', commandId, accountId, amount: '1', comment: commandId });

    it('answers it from the log with its first result long after the window forgot it, also after a restart, and applies it once', async () => {
      let engine = harness(dir, { commandMemory: 3 });
      await engine.start();
      const { outcome } = await engine.send(register(1));
      const accountId = outcome.accountId!;
      const retried = derivedCommandId('user:1\nkey-42#1');
      const first = await engine.send(deposit(retried, accountId));
      for (let n = 1; n <= 5; n++) await engine.send(deposit(`deposit-${n}`, accountId)); // pushes it out of the window
      expect(await engine.send(deposit(retried, accountId))).toEqual(first);
      await engine.stop();

      engine = harness(dir, { commandMemory: 3 });
      await engine.start();
      expect(await engine.send(deposit(retried, accountId))).toEqual(first);
      expect(engine.runner.engineState.accounts.get(accountId)!.balance).toBe(parseFixed('10006')); // its 1 and five others
      await engine.stop();
    });

    it('decides a derived id the log has never seen like any new command', async () => {
      const engine = harness(dir, { commandMemory: 3 });
      await engine.start();
      const { outcome } = await engine.send(register(1));
      const reply = await engine.send(deposit(derivedCommandId('user:1\nnew-key#1'), outcome.accountId!));
      expect(reply.outcome.code).toBe('TRADE_RETCODE_DONE');
      expect(engine.runner.engineState.accounts.get(outcome.accountId!)!.balance).toBe(parseFixed('10001'));
      await engine.stop();
    });
  });

  describe('after a restart', () => {
    it('restores balances, positions with armed take profit, and the id counters', async () => {
      let engine = harness(dir);
      await engine.start();
      const { outcome } = await engine.send(register(1));
      const accountId = outcome.accountId!;
      await engine.send(tick('42000.00', '42001.00'));
      const opened = await engine.send(buy('order-1', accountId, { takeProfit: '43000' }));
      await engine.stop();

      engine = harness(dir);
      await engine.start();
      const account = engine.runner.engineState.accounts.get(accountId)!;
      expect(account.balance).toBe(parseFixed('10000'));
      // margin = 0.5 × 42001.00 / 10 = 2100.05
      expect(account.margin).toBe(parseFixed('2100.05'));
      await engine.send(tick('43000.00', '43001.00'));
      const closed = (await engine.store.readStream(`account-${accountId}`)).find((e) => e.type === 'PositionClosed');
      // TP fires at the bid 43000.00: profit (43000.00 − 42001.00) × 0.5 = 499.50
      expect(closed?.data).toMatchObject({ reason: 'TAKE_PROFIT', closePrice: '43000', profit: '499.5', balance: '10499.5' });
      const next = await engine.send(buy('order-2', accountId));
      expect(next.outcome.orderId).toBe(opened.outcome.orderId! + 1);
      await engine.stop();
    });
  });

  describe('with a command past its deadline', () => {
    it('refuses it with TRADE_RETCODE_TIMEOUT and records the refusal', async () => {
      const engine = harness(dir);
      await engine.start();
      const { outcome } = await engine.send(register(1));
      await engine.send(tick('42000.00', '42001.00'));
      const late = await engine.send(buy('late', outcome.accountId!, { deadline: NOW - 1 }));
      expect(late.outcome).toMatchObject({ code: 'TRADE_RETCODE_TIMEOUT' });
      const events = await engine.store.readStream(`account-${outcome.accountId}`);
      expect(events.map((e) => e.type)).toEqual(['AccountOpened', 'BalanceChanged', 'TradeRejected']);
      expect(engine.runner.engineState.positions.size).toBe(0);
      await engine.stop();
    });
  });

  describe('when the log refuses the append', () => {
    it('answers with an error, applies nothing, and keeps state equal to the log', async () => {
      const engine = harness(dir);
      await engine.start();
      const { outcome } = await engine.send(register(1));
      await engine.send(tick('42000.00', '42001.00'));
      // Another writer sneaks an event into the account's stream: the engine's expected revision is now stale.
      const stream = `account-${outcome.accountId}`;
      await engine.store.append(
        stream,
        [{ id: '8d3c7f0e-0000-4000-8000-000000000001', type: 'Foreign', data: {}, metadata: { timestamp: new Date(NOW).toISOString(), correlationId: 'x', causationId: 'x', schemaVersion: 1 } }],
        'any',
      );
      const refused = await engine.send(buy('order-1', outcome.accountId!));
      expect(refused.outcome.code).toBe('TRADE_RETCODE_ERROR');
      expect(engine.runner.engineState.positions.size).toBe(0);
      // Reloaded from the log, the engine carries on with the right revision.
      const retried = await engine.send(buy('order-2', outcome.accountId!));
      expect(retried.outcome.code).toBe('TRADE_RETCODE_DONE');
      await engine.stop();
    });
  });
});
