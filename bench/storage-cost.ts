/**
 * Child process: what the embedded service's storage thread spends per order, measured without
 * HTTP, threads or a load generator in the way (their noise hides changes of a few per cent).
 * The real EngineRunner decides batches of market orders over `users` accounts and appends each
 * batch to a SqliteEventStore (one group commit); the real Projector then applies what was
 * appended to a SqliteReadModelStore, as the storage thread does. Both files are fresh per run.
 *
 * Per order: the CPU time (user + system) of decide + append and of the projection, the system
 * (kernel) share of all of it, and the bytes and write system calls SQLite issued (/proc/self/io,
 * Linux; null elsewhere). SQLite writes every page a commit dirtied, so these say how many distinct
 * pages an order costs; that, more than the rows themselves, is what the storage thread pays for.
 *
 * Input (argv[2], JSON): { users, batch, orders, runs }. Output: last stdout line, JSON.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceBoard, type EngineCommand, type Outcome } from '../libs/domain/src/index.js';
import { SqliteEventStore } from '../libs/event-store/src/index.js';
import type { EngineInput } from '../libs/messaging/src/index.js';
import { createLogger } from '../libs/platform/src/logger.js';
import { SqliteReadModelStore } from '../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { EngineRunner } from '../apps/engine/src/engine-runner.js';
import { Projector } from '../apps/projector/src/projector.js';
import { benchMarketOrder } from './engine-fixtures.js';
import { PriceWalk } from './market.js';
import { childDone, childFailed, childInput } from './processes.js';
import { median } from './stats.js';

interface Input {
  users: number;
  /** Orders per engine batch (one append, one projection). */
  batch: number;
  orders: number;
  runs: number;
}

interface Run {
  appendUsPerOrder: number;
  projectUsPerOrder: number;
  systemShare: number;
  kbWrittenPerOrder: number | null;
  writeCallsPerOrder: number | null;
}

/** Bytes written and write system calls of this process so far, or null where /proc is not there. */
function writes(): { bytes: number; calls: number } | null {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    return { bytes: Number(/^wchar: (\d+)/m.exec(io)![1]), calls: Number(/^syscw: (\d+)/m.exec(io)![1]) };
  } catch {
    return null;
  }
}

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const input = (command: EngineCommand, onDone?: (outcome: Outcome) => void): EngineInput => ({
  command,
  correlationId: command.commandId,
  reply: ({ outcome }) => {
    if (outcome.code !== 'TRADE_RETCODE_DONE') throw new Error(`${command.type} was refused: ${outcome.code} ${outcome.message}`);
    onDone?.(outcome);
  },
});

async function measure(config: Input): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'tradestream-bench-storage-'));
  const events = new SqliteEventStore(join(dir, 'events.sqlite'));
  const readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
  try {
    let time = Date.UTC(2024, 0, 2, 8, 0, 0);
    const market = new PriceBoard();
    const walk = new PriceWalk(7);
    for (const quote of walk.all(time)) market.update(quote);
    const runner = new EngineRunner(events, market, { priceStaleMs: 3_600_000, logger: createLogger('bench-storage'), clock: () => time });
    await runner.load();
    let projected = 0;
    const projector = new Projector(events, readModels, (position) => (projected = position), createLogger('bench-storage'));
    // What the storage thread's subscription does after an append: read what it added, apply it.
    const project = async () => {
      for (;;) {
        const page = await events.readAll({ after: projected, maxCount: 1_000 });
        if (page.length === 0) return;
        await projector.applyBatch(page);
      }
    };
    const users: { userId: number; accountId: number }[] = [];
    await runner.handle(
      Array.from({ length: config.users }, (_, n) =>
        input({ type: 'RegisterUser', commandId: randomUUID(), email: `storage.${n}@example.com`, passwordHash: 'x', initialBalance: '100000000' }, (o) =>
          users.push({ userId: o.userId!, accountId: o.accountId! }),
        ),
      ),
    );
    await project();

    let append = 0;
    let projection = 0;
    const system0 = process.cpuUsage().system;
    const before = writes();
    let orders = 0;
    for (let b = 0; orders < config.orders; b++) {
      time += 5;
      const batch: EngineInput[] = [];
      for (let i = 0; i < config.batch; i++, orders++) {
        // Consecutive orders come from accounts spread over all users, as 64 connections rotating over them do.
        batch.push(input(benchMarketOrder(orders, users[(orders * 7) % users.length]!, randomUUID(), time + 3_600_000)));
      }
      let t = cpuUs();
      await runner.handle(batch);
      append += cpuUs() - t;
      t = cpuUs();
      await project();
      projection += cpuUs() - t;
    }
    const after = writes();
    const system = process.cpuUsage().system - system0;
    return {
      appendUsPerOrder: append / orders,
      projectUsPerOrder: projection / orders,
      systemShare: system / (append + projection),
      kbWrittenPerOrder: before && after ? (after.bytes - before.bytes) / 1024 / orders : null,
      writeCallsPerOrder: before && after ? (after.calls - before.calls) / orders : null,
    };
  } finally {
    await events.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const config = childInput<Input>();
  const runs: Run[] = [];
  for (let run = 0; run < config.runs; run++) {
    const r = await measure(config);
    runs.push(r);
    process.stderr.write(
      `storage run ${run + 1}/${config.runs}: decide + append ${r.appendUsPerOrder.toFixed(1)} µs/order, projection ${r.projectUsPerOrder.toFixed(1)} µs/order, ` +
        `kernel ${(r.systemShare * 100).toFixed(0)} %, ${r.kbWrittenPerOrder?.toFixed(1) ?? '?'} KB and ${r.writeCallsPerOrder?.toFixed(1) ?? '?'} write calls per order\n`,
    );
  }
  const nullable = (values: (number | null)[]) => (values.some((v) => v === null) ? null : median(values as number[]));
  childDone({
    appendUsPerOrder: median(runs.map((r) => r.appendUsPerOrder)),
    projectUsPerOrder: median(runs.map((r) => r.projectUsPerOrder)),
    systemShare: median(runs.map((r) => r.systemShare)),
    kbWrittenPerOrder: nullable(runs.map((r) => r.kbWrittenPerOrder)),
    writeCallsPerOrder: nullable(runs.map((r) => r.writeCallsPerOrder)),
    runs,
  });
}

main().catch(childFailed);
