/**
 * Test support: an engine runner over a real SQLite log in a directory, fed through the in-process
 * bus, with short command builders. Shared by the engine, audit and tools tests.
 */
import { join } from 'node:path';
import { PriceBoard, type EngineCommand } from '../../../../libs/domain/src/index.js';
import { SqliteEventStore } from '../../../../libs/event-store/src/index.js';
import { InProcessEngineBus, type EngineReply } from '../../../../libs/messaging/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { EngineRunner, type EngineRunnerOptions } from '../engine-runner.js';
import { changeGroup, close, defineGroup, deposit, modifyPosition, NOW, order, pending, register, tick } from './engine-commands.js';

export * from './engine-commands.js';

export interface EngineHarness {
  store: SqliteEventStore;
  runner: EngineRunner;
  prices: PriceBoard;
  send(command: EngineCommand): Promise<EngineReply>;
  /** Sends and fails unless the engine answered TRADE_RETCODE_DONE. */
  ok(command: EngineCommand): Promise<EngineReply>;
  start(onProgress?: (events: number) => void): Promise<void>;
  /** Stops the bus, optionally writes a snapshot (a clean shutdown), closes the log. */
  stop(options?: { snapshot?: boolean }): Promise<void>;
}

export function engineHarness(dir: string, options: Partial<EngineRunnerOptions> = {}): EngineHarness {
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  const prices = new PriceBoard();
  const runner = new EngineRunner(store, prices, { priceStaleMs: 30_000, clock: () => NOW, logger: createLogger('test-engine'), ...options });
  const bus = new InProcessEngineBus();
  const send = (command: EngineCommand) => bus.request({ command, correlationId: `c-${command.commandId}` }, 3_000);
  return {
    store,
    runner,
    prices,
    send,
    async ok(command) {
      const reply = await send(command);
      if (reply.outcome.code !== 'TRADE_RETCODE_DONE') throw new Error(`${command.type} ${command.commandId}: ${JSON.stringify(reply.outcome)}`);
      return reply;
    },
    async start(onProgress) {
      await runner.load(onProgress);
      bus.start(runner.handle);
    },
    async stop({ snapshot = false } = {}) {
      await bus.stop();
      if (snapshot) await runner.snapshot();
      await store.close();
    },
  };
}

/**
 * A small history with every kind of money movement and trigger: two users, deposits and a
 * withdrawal, a group with commission, market orders with TP/SL, a partial and a full close, a
 * pending order that fills and one that rests, a modified position.
 */
export async function buildHistory(engine: EngineHarness): Promise<{ accountA: number; accountB: number; restingTp: number; resting: number }> {
  const a = await engine.ok(register('ann@example.com'));
  const b = await engine.ok(register('bob@example.com', '5000'));
  const accountA = a.outcome.accountId!;
  const accountB = b.outcome.accountId!;
  await engine.ok(defineGroup('vip', '7'));
  await engine.ok(changeGroup(accountB, 'vip'));
  await engine.ok(deposit(accountA, '500'));
  await engine.ok(deposit(accountA, '-250.5'));
  await engine.send(tick('BTCUSD', '42000', '42010'));
  const first = await engine.ok(order(accountA, { takeProfit: '45000', stopLoss: '40000' }));
  await engine.ok(close(1, first.outcome.orderId!, '0.2'));
  const second = await engine.ok(order(accountB, { userId: 2, side: 'SELL', volume: '1', leverage: 20 }));
  await engine.send(tick('BTCUSD', '41500', '41510'));
  await engine.ok(close(2, second.outcome.orderId!));
  const resting = await engine.ok(pending(1, accountA, 'BUY_LIMIT', '40500'));
  await engine.ok(pending(2, accountB, 'SELL_STOP', '41400')); // fills on the next tick
  await engine.send(tick('BTCUSD', '41390', '41395'));
  const restingTp = await engine.ok(order(accountB, { userId: 2, volume: '0.3', takeProfit: '43000' }));
  await engine.ok(modifyPosition(1, first.outcome.orderId!, '44000', null));
  return { accountA, accountB, restingTp: restingTp.outcome.orderId!, resting: resting.outcome.orderId! };
}
