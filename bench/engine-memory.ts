/**
 * Child process (node --expose-gc): heap growth of the engine state per open position, and per
 * pending order. Accounts exist first; after a full GC the heap is measured, N positions with TP/SL
 * are opened through `evolve` (as a replay or the engine does), and after another full GC the heap
 * is measured again. Everything the state keeps counts: the position, its Map entries, the
 * account's id set and the trigger heaps.
 *
 * Input (argv[2], JSON): { positions, accounts, runs }. Output: last stdout line, JSON.
 */
import { PriceBoard, type EngineCommand } from '../libs/domain/src/index.js';
import { SqliteEventStore } from '../libs/event-store/src/index.js';
import type { EngineInput } from '../libs/messaging/src/index.js';
import { createLogger } from '../libs/platform/src/logger.js';
import { EngineRunner } from '../apps/engine/src/engine-runner.js';
import { benchMarketOrder, Population } from './engine-fixtures.js';
import { PriceWalk } from './market.js';
import { childDone, childFailed, childInput } from './processes.js';
import { median } from './stats.js';

interface Input {
  positions: number;
  accounts: number;
  runs: number;
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) gc();
}

function heapUsed(): number {
  fullGc();
  return process.memoryUsage().heapUsed;
}

function measure(input: Input, seed: number): { perPosition: number; perOrder: number } {
  const now = Date.UTC(2024, 5, 3, 12, 0, 0);
  const population = new Population({ accounts: input.accounts, seed, expiringShare: 0.1 });
  population.openAccounts(now);
  population.quoteAll(now);
  const before = heapUsed();
  for (let i = 0; i < input.positions; i++) population.openPosition(now);
  const afterPositions = heapUsed();
  for (let i = 0; i < input.positions; i++) population.placeOrder(now);
  const afterOrders = heapUsed();
  if (population.state.positions.size !== input.positions) throw new Error('positions were not all opened');
  return {
    perPosition: (afterPositions - before) / input.positions,
    perOrder: (afterOrders - afterPositions) / input.positions,
  };
}

/**
 * The same through the EngineRunner (market orders as commands, events to an in-memory log): the
 * state plus what the runner keeps per command (its outcome, for redelivered commands) and per stream.
 */
async function measureRunner(input: Input): Promise<number> {
  const store = new SqliteEventStore(':memory:');
  const market = new PriceBoard();
  const time = Date.UTC(2024, 5, 3, 12, 0, 0);
  for (const q of new PriceWalk(5).all(time)) market.update(q);
  const runner = new EngineRunner(store, market, { priceStaleMs: 3_600_000, clock: () => time, logger: createLogger('bench-memory') });
  await runner.load();
  const accounts: { userId: number; accountId: number }[] = [];
  const run = async (commands: EngineCommand[], onDone?: (o: { userId?: number; accountId?: number }) => void) => {
    for (let i = 0; i < commands.length; i += 1_000) {
      const batch: EngineInput[] = commands.slice(i, i + 1_000).map((command) => ({
        command,
        correlationId: command.commandId,
        reply: ({ outcome }) => onDone?.(outcome),
      }));
      await runner.handle(batch);
    }
  };
  await run(
    Array.from({ length: input.accounts }, (_, i) => ({
      type: 'RegisterUser' as const,
      commandId: `register-${i}`,
      email: `memory.${i}@example.com`,
      passwordHash: '$argon2id$bench',
      initialBalance: '1000000',
    })),
    (o) => accounts.push({ userId: o.userId!, accountId: o.accountId! }),
  );
  const before = heapUsed();
  await run(
    Array.from({ length: input.positions }, (_, i) =>
      benchMarketOrder(i, accounts[i % accounts.length]!, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, time + 3_000),
    ),
  );
  const after = heapUsed();
  const opened = runner.engineState.positions.size;
  await store.close();
  if (opened !== input.positions) throw new Error(`the runner opened ${opened} positions of ${input.positions}`);
  return (after - before) / opened;
}

async function main(): Promise<void> {
  const input = childInput<Input>();
  const runs: { perPosition: number; perOrder: number }[] = [];
  for (let run = 0; run < input.runs; run++) {
    const r = measure(input, 1_000 + run);
    runs.push(r);
    process.stderr.write(
      `memory run ${run + 1}/${input.runs}: ${Math.round(r.perPosition)} bytes per open position, ${Math.round(r.perOrder)} bytes per pending order (${input.positions} of each, ${input.accounts} accounts)\n`,
    );
    fullGc();
  }
  const runnerPerPosition = await measureRunner(input);
  process.stderr.write(`memory through EngineRunner: ${Math.round(runnerPerPosition)} bytes per position opened by a command (state + remembered outcome + stream revision)\n`);
  childDone({
    bytesPerPosition: median(runs.map((r) => r.perPosition)),
    bytesPerOrder: median(runs.map((r) => r.perOrder)),
    runnerBytesPerPosition: runnerPerPosition,
    runs,
  });
}

main().catch(childFailed);
