/**
 * Child process for the log benchmarks, one mode per start:
 *
 * - `generate`: writes a realistic SQLite log through the engine itself: EngineRunner.handle on
 *   batches of 5 000 commands, each batch one `SqliteEventStore.appendMany` (group commit): sign-ups
 *   (user, account, opening deposit), deposits, market orders (half with TP/SL) and closes, prices
 *   moving meanwhile. When engine snapshots exist, the engine writes one `snapshotTail` events
 *   before the end.
 * - `replay`: a fresh EngineRunner without snapshots folds the whole log (`load()`): events/s.
 * - `restart`: a fresh EngineRunner as an engine starts: the snapshot (if any) and the tail after it.
 *
 * Input (argv[2], JSON): { mode, dir, events?, snapshotTail?, decodeOnly?, spawnedAt?, commandMemory? }.
 * Output: last stdout line, JSON.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { fixedToString, PriceBoard, type EngineCommand, type Outcome } from '../libs/domain/src/index.js';
import { SqliteEventStore, EVENTS_FILE } from '../libs/event-store/src/index.js';
import type { EngineInput } from '../libs/messaging/src/index.js';
import { createLogger } from '../libs/platform/src/logger.js';
import { DEFAULT_DEDUP_WINDOW } from '../apps/engine/src/command-memory.js';
import { EngineRunner, REPLAY_PAGE, type EngineRunnerOptions } from '../apps/engine/src/engine-runner.js';
import { PriceWalk, SYMBOLS } from './market.js';
import { childDone, childFailed, childInput, DIST } from './processes.js';
import { seededRandom } from '../libs/platform/src/seeded-random.js';
import { intBetween } from './stats.js';

interface Input {
  mode: 'generate' | 'replay' | 'restart';
  dir: string;
  events?: number;
  snapshotTail?: number;
  /** replay: also time reading (and JSON-decoding) this many events of the log without folding them. */
  decodeOnly?: number;
  /** restart: when the orchestrator spawned this process (epoch ms), to report the start-up wall time. */
  spawnedAt?: number;
  /** replay / restart: EngineRunner's commandMemory (default: the runner's own), for experiments. */
  commandMemory?: number;
}

interface SnapshotSupport {
  store: unknown;
  file: string;
}

/**
 * Engine snapshots are being added in apps/engine/src/snapshots/ (FileSnapshotStore +
 * EngineRunner options `snapshots`). Loaded at run time so the bench builds and runs whether or not
 * they are there yet; null when they are not (usable).
 */
async function snapshotSupport(dir: string): Promise<SnapshotSupport | null> {
  const file = join(DIST, 'apps', 'engine', 'src', 'snapshots', 'snapshot-store.js');
  if (!existsSync(file)) return null;
  if (typeof (EngineRunner.prototype as unknown as { snapshot?: unknown }).snapshot !== 'function') return null;
  const module = (await import(pathToFileURL(file).href)) as {
    FileSnapshotStore?: new (path: string) => unknown;
    snapshotFileFor?: (dataDir: string) => string;
  };
  if (!module.FileSnapshotStore || !module.snapshotFileFor) return null;
  const path = module.snapshotFileFor(dir);
  return { store: new module.FileSnapshotStore(path), file: path };
}

function runnerFor(store: SqliteEventStore, market: PriceBoard, extra: Record<string, unknown>): EngineRunner {
  const options = { priceStaleMs: 3_600_000, logger: createLogger('bench-engine'), ...extra };
  return new EngineRunner(store, market, options as EngineRunnerOptions);
}

const progress = (text: string) => process.stderr.write(`${text}\n`);

/** Commands per EngineRunner batch while generating: one group commit (`appendMany`) each. */
const GENERATE_BATCH = 5_000;
/** Accounts one generating batch trades on. */
const ACTIVE_ACCOUNTS = 1_000;

async function generate(input: Input): Promise<unknown> {
  const target = input.events!;
  const tail = input.snapshotTail ?? 0;
  const store = new SqliteEventStore(join(input.dir, EVENTS_FILE));
  const support = tail > 0 ? await snapshotSupport(input.dir) : null;
  // The real engine writes the log: EngineRunner.handle decides each batch and appends all of its
  // events with one appendMany (group commit), with the runner's own ids and metadata.
  const market = new PriceBoard();
  const walk = new PriceWalk(11);
  const random = seededRandom(12_345);
  let time = Date.UTC(2024, 0, 2, 8, 0, 0);
  for (const q of walk.all(time)) market.update(q);
  const runner = runnerFor(store, market, { clock: () => time, ...(support ? { snapshots: support.store } : {}) });
  await runner.load();

  const userTarget = Math.max(10, Math.round(target / 50));
  const openTarget = Math.max(10, Math.round(target / 10));
  const users: { userId: number; accountId: number }[] = [];
  /** Open positions per user (index into `users`). */
  const openOf = new Map<number, number[]>();
  let openCount = 0;
  let registering = 0;
  let commands = 0;
  let rejected = 0;
  let snapshot: { position: number; ms: number; bytes: number } | null = null;
  const started = performance.now();

  for (let round = 0; runner.position < target && round < 1_000_000; round++) {
    const batch: EngineInput[] = [];
    const add = (command: EngineCommand, onDone?: (outcome: Outcome) => void) => {
      commands++;
      batch.push({
        command,
        correlationId: command.commandId,
        reply: ({ outcome }) => {
          if (outcome.code !== 'TRADE_RETCODE_DONE') rejected++;
          else onDone?.(outcome);
        },
      });
    };
    // Batches shrink near the snapshot point and near the end (about 1.05 events per command),
    // so the snapshot lands `tail` events before the end and the log ends close to `target`.
    const stop = support && snapshot === null ? target - tail : target;
    const size = Math.min(GENERATE_BATCH, Math.max(1, Math.floor((stop - runner.position) / 1.05)));
    // A batch trades on a random subset of the accounts (every account is in many batches): fewer
    // streams per group commit keeps generating fast; the log a replay reads is the same kind of log.
    const active = Array.from({ length: Math.min(users.length, ACTIVE_ACCOUNTS) }, () => intBetween(random, 0, users.length - 1));
    while (batch.length < size) {
      time += 5;
      if (batch.length % 20 === 0) {
        const symbol = SYMBOLS[(commands / 20) % SYMBOLS.length | 0]!;
        market.update(walk.next(symbol, time, 0.0005));
      }
      const commandId = randomUUID();
      const r = random();
      if (registering < userTarget && (registering < 100 || active.length === 0 || r < 0.1)) {
        const n = registering++;
        add(
          { type: 'RegisterUser', commandId, email: `replay.${n}@example.com`, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0$YmVuY2hoYXNo', initialBalance: '50000' },
          (o) => users.push({ userId: o.userId!, accountId: o.accountId! }),
        );
        continue;
      }
      if (active.length === 0) break;
      let index = active[intBetween(random, 0, active.length - 1)]!;
      // Opens and closes keep the book near `openTarget` positions (closes in flight count at once).
      const wantOpen = r < (openCount < openTarget ? 0.15 + 0.85 * 0.75 : 0.15 + 0.85 * 0.5);
      if (r >= 0.15 && !wantOpen && !(openOf.get(index)?.length)) {
        for (let tries = 0; tries < 16; tries++) {
          const other = active[intBetween(random, 0, active.length - 1)]!;
          if (openOf.get(other)?.length) {
            index = other;
            break;
          }
        }
      }
      const u = users[index]!;
      const held = openOf.get(index);
      if (r < 0.15) {
        add({ type: 'ChangeBalance', commandId, accountId: u.accountId, amount: String(intBetween(random, 1, 50) * 100), comment: 'bench deposit' });
      } else if (wantOpen || !held || held.length === 0) {
        const symbol = SYMBOLS[intBetween(random, 0, SYMBOLS.length - 1)]!;
        const side = random() < 0.5 ? 'BUY' : 'SELL';
        const withLevels = random() < 0.5;
        const upper = fixedToString(walk.levelAt(symbol, 0.2));
        const lower = fixedToString(walk.levelAt(symbol, -0.2));
        add(
          {
            type: 'PlaceOrder',
            commandId,
            userId: u.userId,
            accountId: u.accountId,
            symbol,
            side,
            volume: (intBetween(random, 1, 20) / 100).toFixed(2),
            leverage: 100,
            takeProfit: withLevels ? (side === 'BUY' ? upper : lower) : null,
            stopLoss: withLevels ? (side === 'BUY' ? lower : upper) : null,
            slippage: null,
            clientId: null,
            comment: null,
            magic: null,
            deadline: time + 3_600_000,
          },
          (o) => {
            const list = openOf.get(index);
            if (list) list.push(o.orderId!);
            else openOf.set(index, [o.orderId!]);
          },
        );
        openCount++; // counted when sent: the book size steers the mix within a batch too
      } else {
        const at = intBetween(random, 0, held.length - 1);
        const orderId = held[at]!;
        held[at] = held[held.length - 1]!;
        held.pop();
        openCount--;
        add({ type: 'ClosePosition', commandId, userId: u.userId, accountId: null, orderId, volume: null, clientId: null, comment: null, deadline: time + 3_600_000 });
      }
    }
    await runner.handle(batch);
    if (round % 40 === 0) progress(`generate: ${runner.position} / ${target} events (${Math.round(runner.position / ((performance.now() - started) / 1000))}/s)`);
    if (support && snapshot === null && runner.position >= target - tail) {
      // The engine's own snapshot of exactly this prefix of the log.
      const t0 = performance.now();
      await (runner as unknown as { snapshot(): Promise<void> }).snapshot();
      snapshot = { position: runner.position, ms: Math.round(performance.now() - t0), bytes: existsSync(support.file) ? statSync(support.file).size : 0 };
      progress(`generate: snapshot at position ${snapshot.position} (${(snapshot.bytes / 1e6).toFixed(1)} MB written in ${snapshot.ms} ms)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const state = runner.engineState;
  await store.close();
  return {
    events: runner.position,
    seconds,
    commands,
    rejected,
    users: state.users.size,
    openPositions: state.positions.size,
    fileBytes: statSync(join(input.dir, EVENTS_FILE)).size,
    snapshot,
    snapshotsAvailable: support !== null,
  };
}

/** Heap in use (MB), after a full GC when the process runs with --expose-gc: what the state retains. */
function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) for (let i = 0; i < 3; i++) gc();
  return Math.round(process.memoryUsage().heapUsed / 1e5) / 10;
}

async function replay(input: Input): Promise<unknown> {
  const store = new SqliteEventStore(join(input.dir, EVENTS_FILE));
  let decode: { eventsPerS: number; seconds: number } | null = null;
  if (input.decodeOnly) {
    // Reading and decoding the pages alone, as load() reads them: the replay read, REPLAY_PAGE events
    // per page, outcomes only from where the runner's dedup window starts. The fold's ceiling.
    const t0 = performance.now();
    const outcomesFrom = await store.outcomesStart(0, input.commandMemory ?? DEFAULT_DEDUP_WINDOW);
    let after = 0;
    let n = 0;
    while (n < input.decodeOnly) {
      const page = await store.readAllForReplay({ after, maxCount: REPLAY_PAGE, outcomesFrom });
      if (page.length === 0) break;
      after = page[page.length - 1]!.position;
      n += page.length;
    }
    const s = (performance.now() - t0) / 1000;
    decode = { eventsPerS: n / s, seconds: s };
    progress(`replay: reading + decoding alone ${Math.round(n / s)} events/s`);
  }
  const runner = runnerFor(store, new PriceBoard(), input.commandMemory ? { commandMemory: input.commandMemory } : {});
  const heapBefore = heapMb();
  const t0 = performance.now();
  await runner.load((n) => {
    if (n % 200_000 === 0) progress(`replay: ${n} events folded`);
  });
  const seconds = (performance.now() - t0) / 1000;
  const state = runner.engineState;
  const outcomes = (runner as unknown as { outcomes?: Map<string, unknown> }).outcomes?.size ?? null;
  const result = {
    events: runner.position,
    seconds,
    eventsPerS: runner.position / seconds,
    decode,
    heapMbAfter: heapMb(),
    heapMbBefore: heapBefore,
    rememberedOutcomes: outcomes,
    state: { position: runner.position, accounts: state.accounts.size, positions: state.positions.size, users: state.users.size },
  };
  await store.close();
  return result;
}

async function restart(input: Input): Promise<unknown> {
  const t0 = performance.now();
  const support = await snapshotSupport(input.dir);
  const usable = support !== null && existsSync(support.file);
  const store = new SqliteEventStore(join(input.dir, EVENTS_FILE));
  const runner = runnerFor(store, new PriceBoard(), {
    ...(usable ? { snapshots: support.store } : {}),
    ...(input.commandMemory ? { commandMemory: input.commandMemory } : {}),
  });
  let tailEvents = 0;
  await runner.load((n) => (tailEvents = n));
  const loadMs = performance.now() - t0;
  const loadedAt = Date.now();
  const state = runner.engineState;
  await store.close();
  return {
    loadMs,
    wallMs: input.spawnedAt ? loadedAt - input.spawnedAt : null,
    fromSnapshot: usable,
    snapshotsAvailable: support !== null,
    tailEvents,
    state: { position: runner.position, accounts: state.accounts.size, positions: state.positions.size, users: state.users.size },
  };
}

async function main(): Promise<void> {
  const input = childInput<Input>();
  switch (input.mode) {
    case 'generate':
      return childDone(await generate(input));
    case 'replay':
      return childDone(await replay(input));
    case 'restart':
      return childDone(await restart(input));
  }
}

main().catch(childFailed);
