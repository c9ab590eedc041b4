/**
 * `npm run bench`: runs every benchmark, logs progress on stderr and prints ONE JSON object as
 * the last stdout line (each figure the median of `runs` runs; ratios from this same run).
 * `npm run bench:smoke` runs them all at tiny sizes (CI). Sizes: see bench/config.ts.
 *
 * HTTP (loopback, autocannon, same connections for every target), per round:
 *   the bare node:http ceiling, then the embedded service, then the distributed one.
 * In-process engine benchmarks run in their own node processes (clean heap, their own flags):
 *   ticks (indexed vs naive scan), log generation → replay → restart, memory per position, and
 *   the storage thread's cost per order (append and projection, without HTTP).
 * Every child process is stopped at the end, also on failure or interruption.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBenchConfig, type BenchConfig, type BenchName } from './config.js';
import type { LoadResult } from './load.js';
import { DIST, killAllNow, liveChildren, log, REPO_ROOT, runBenchChild } from './processes.js';
import { ceilingRun, orderRun, redisReachable, type OrderRun } from './service-bench.js';
import { median, meets, ratio, round, roundRate } from './stats.js';

interface TicksResult {
  ticksPerS: number | null;
  naiveTicksPerS: number | null;
  lookupsPerS: number;
  naiveLookupsPerS: number;
  sameDecisions: { ticksCompared: number; firstMismatch: number | null };
  indexedRuns: { ticks: number; events: number; ticksPerS: number; closes: number; fills: number; marginEvents: number }[];
  naiveRuns: { ticks: number; ticksPerS: number }[];
}

interface GenerateResult {
  events: number;
  seconds: number;
  openPositions: number;
  users: number;
  rejected: number;
  fileBytes: number;
  snapshot: { position: number; ms: number; bytes: number } | null;
  snapshotsAvailable: boolean;
}

interface ReplayResult {
  events: number;
  seconds: number;
  eventsPerS: number;
  decode: { eventsPerS: number } | null;
  heapMbAfter: number;
  rememberedOutcomes: number | null;
  state: { position: number; accounts: number; positions: number; users: number };
}

interface RestartResult {
  loadMs: number;
  wallMs: number | null;
  fromSnapshot: boolean;
  snapshotsAvailable: boolean;
  tailEvents: number;
  state: { position: number; accounts: number; positions: number; users: number };
}

interface StorageResult {
  appendUsPerOrder: number | null;
  projectUsPerOrder: number | null;
  systemShare: number | null;
  kbWrittenPerOrder: number | null;
  writeCallsPerOrder: number | null;
}

interface MemoryResult {
  bytesPerPosition: number | null;
  bytesPerOrder: number | null;
  runnerBytesPerPosition: number | null;
}

const GOALS = {
  orders_ratio: { min: 0.35 },
  orders_p99_ms: { max: 15 },
  distributed_ratio: { min: 0.25 },
  ticks_per_s: { min: 250_000 },
  trigger_speedup: { min: 25 },
  replay_events_per_s: { min: 250_000 },
  restart_ms: { max: 2_000 },
  engine_bytes_per_position: { max: 1_000 },
} as const;

class Bench {
  readonly errors: { bench: string; error: string }[] = [];
  readonly notes: string[] = [];
  readonly details: Record<string, unknown> = {};

  constructor(readonly config: BenchConfig) {}

  wants(name: BenchName): boolean {
    return this.config.only.has(name);
  }

  async attempt<T>(bench: string, what: () => Promise<T>): Promise<T | null> {
    try {
      return await what();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`FAILED ${bench}: ${message.split('\n').slice(0, 12).join('\n')}`);
      this.errors.push({ bench, error: message.split('\n')[0]!.slice(0, 300) });
      return null;
    }
  }
}

function loadSummary(runs: (LoadResult | OrderRun)[]) {
  const loads = runs.map((r) => ('load' in r ? r.load : r));
  const cpus = runs.map((r) => ('cpu' in r ? r.cpu : null));
  return {
    rps: median(loads.map((r) => r.rps)),
    p50: median(loads.map((r) => r.p50Ms ?? NaN)),
    p99: median(loads.map((r) => r.p99Ms ?? NaN)),
    non2xxShare: median(loads.map((r) => r.non2xxShare)),
    /** CPU µs the service's processes spent per answered order. */
    cpuUsPerOrder: median(runs.map((r, i) => (cpus[i] && loads[i]!.ok > 0 ? (cpus[i]!.serviceCpuS * 1e6) / loads[i]!.ok : NaN))),
    mainThreadsCpuUsPerOrder: median(runs.map((r, i) => (cpus[i] && loads[i]!.ok > 0 ? (cpus[i]!.mainThreadsCpuS * 1e6) / loads[i]!.ok : NaN))),
    machineBusyShare: median(cpus.map((cpu) => cpu?.machineBusyShare ?? NaN)),
  };
}

/** The machine is shared: its 1-minute load average is sampled through the run and reported. */
class LoadMonitor {
  readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 5_000);
    this.timer.unref();
  }

  sample(): number {
    const value = loadavg()[0]!;
    this.samples.push(value);
    return value;
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return {
      cores: availableParallelism(),
      load_avg_1m_start: round(this.samples[0], 2),
      load_avg_1m_median: round(median(this.samples), 2),
      load_avg_1m_max: round(Math.max(...this.samples), 2),
    };
  }
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  const started = Date.now();
  const load = new LoadMonitor();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = resolve(REPO_ROOT, config.resultsDir);
  mkdirSync(resultsDir, { recursive: true });
  const profileDir = config.profile ? join(resultsDir, 'profiles', stamp) : null;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const bench = new Bench(config);
  if (!existsSync(join(DIST, 'apps', 'standalone', 'src', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm run bench` does)');
  }
  log(
    `${config.smoke ? 'SMOKE' : 'full'} run: ${config.runs} run(s) each; HTTP ${config.durationS} s × ${config.connections} connections, ${config.users} users; ` +
      `ticks ${config.positions} positions + ${config.orders} orders over ${config.accounts} accounts; log ${config.events} events; memory ${config.memoryPositions} positions` +
      (profileDir ? `; CPU profiles → ${profileDir}` : ''),
  );

  // ---- HTTP: ceiling, embedded, distributed, round by round (noise hits all three alike) ----
  const ceiling: LoadResult[] = [];
  const embedded: OrderRun[] = [];
  const distributed: OrderRun[] = [];
  let redisProblem: string | null = null;
  if (bench.wants('distributed')) {
    redisProblem = await redisReachable(redisUrl);
    if (redisProblem) {
      bench.errors.push({ bench: 'distributed', error: redisProblem });
      log(`distributed: skipped, ${redisProblem}`);
    }
  }
  for (let round = 0; round < config.runs; round++) {
    log(`HTTP round ${round + 1}/${config.runs} (load average ${load.sample().toFixed(1)})`);
    if (bench.wants('ceiling')) {
      const r = await bench.attempt('ceiling', () => ceilingRun(config, profileDir));
      if (r) ceiling.push(r);
    }
    if (bench.wants('embedded')) {
      const r = await bench.attempt('embedded', () => orderRun('embedded', config, redisUrl, profileDir));
      if (r) embedded.push(r);
    }
    if (bench.wants('distributed') && !redisProblem) {
      const r = await bench.attempt('distributed', () => orderRun('distributed', config, redisUrl, profileDir));
      if (r) distributed.push(r);
    }
  }
  bench.details.http = { ceiling, embedded, distributed };

  // ---- Engine ticks: indexed vs naive, same state, same ticks ----
  let ticks: TicksResult | null = null;
  if (bench.wants('ticks')) {
    log(`ticks: ${config.positions} positions + ${config.orders} pending orders, ${config.runs} × ${config.tickWindowS} s per mode`);
    ticks = await bench.attempt('ticks', () =>
      runBenchChild<TicksResult>(
        'ticks',
        'engine-ticks.js',
        { positions: config.positions, orders: config.orders, accounts: config.accounts, windowS: config.tickWindowS, runs: config.runs },
        {
          timeoutMs: 180_000 + 2 * config.runs * (config.tickWindowS * 3 + 5) * 1_000 + (config.positions + config.orders) * 0.2,
          nodeFlags: ['--max-old-space-size=4096'],
          profileDir,
        },
      ),
    );
    if (ticks) {
      bench.details.ticks = ticks;
      if (ticks.sameDecisions.firstMismatch !== null) {
        bench.errors.push({ bench: 'ticks', error: `the indexed engine and the naive scan decided tick ${ticks.sameDecisions.firstMismatch} differently` });
      }
    }
  }

  // ---- Log: generate once, then replay and restart ----
  let generated: GenerateResult | null = null;
  const replays: ReplayResult[] = [];
  const restarts: RestartResult[] = [];
  if (bench.wants('replay')) {
    const dir = mkdtempSync(join(tmpdir(), 'tradestream-bench-log-'));
    try {
      log(`log: generating ${config.events} events through the engine into ${dir}`);
      generated = await bench.attempt('replay', () =>
        runBenchChild<GenerateResult>(
          'generate',
          'engine-log.js',
          { mode: 'generate', dir, events: config.events, snapshotTail: config.snapshotTail },
          // Set-up, not a measurement: a larger young generation makes the generation faster.
          { timeoutMs: 120_000 + config.events * 0.4, nodeFlags: ['--max-old-space-size=6144', '--max-semi-space-size=64'], profileDir },
        ),
      );
      if (generated) {
        bench.details.generate = generated;
        log(`log: ${generated.events} events (${(generated.fileBytes / 1e6).toFixed(0)} MB) in ${generated.seconds.toFixed(1)} s, ${generated.openPositions} positions open, ${generated.rejected} commands rejected`);
        for (let run = 0; run < config.runs; run++) {
          const r = await bench.attempt('replay', () =>
            runBenchChild<ReplayResult>(
              'replay',
              'engine-log.js',
              // The first run also times reading + decoding alone, on the first 200 000 events.
              { mode: 'replay', dir, decodeOnly: run === 0 ? Math.min(config.events, 200_000) : 0 },
              { timeoutMs: 120_000 + config.events * 0.2, nodeFlags: ['--max-old-space-size=6144', '--expose-gc'], profileDir },
            ),
          );
          if (!r) break;
          replays.push(r);
          log(`replay run ${run + 1}/${config.runs}: ${Math.round(r.eventsPerS)} events/s (${r.events} events in ${r.seconds.toFixed(2)} s; heap ${r.heapMbAfter} MB, ${r.rememberedOutcomes} remembered outcomes)`);
        }
        for (let run = 0; run < config.runs; run++) {
          const r = await bench.attempt('restart', () =>
            runBenchChild<RestartResult>(
              'restart',
              'engine-log.js',
              { mode: 'restart', dir, spawnedAt: Date.now() },
              { timeoutMs: 120_000 + config.events * 0.2, nodeFlags: ['--max-old-space-size=6144'], profileDir },
            ),
          );
          if (!r) break;
          restarts.push(r);
          log(`restart run ${run + 1}/${config.runs}: ${Math.round(r.wallMs ?? r.loadMs)} ms from spawn to loaded (load ${Math.round(r.loadMs)} ms, ${r.fromSnapshot ? `snapshot + ${r.tailEvents} tail events` : `full fold of ${r.tailEvents} events`})`);
        }
        const full = replays[0]?.state;
        const restored = restarts[0]?.state;
        if (full && restored && JSON.stringify(full) !== JSON.stringify(restored)) {
          bench.errors.push({ bench: 'restart', error: `restart state ${JSON.stringify(restored)} differs from the full fold ${JSON.stringify(full)}` });
        }
        bench.details.replay = replays;
        bench.details.restart = restarts;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // ---- Memory per open position ----
  let memory: MemoryResult | null = null;
  if (bench.wants('memory')) {
    log(`memory: ${config.memoryPositions} positions over ${config.accounts} accounts`);
    memory = await bench.attempt('memory', () =>
      runBenchChild<MemoryResult>(
        'memory',
        'engine-memory.js',
        { positions: config.memoryPositions, accounts: Math.min(config.accounts, Math.max(1, Math.round(config.memoryPositions / 10))), runs: config.runs },
        { timeoutMs: 120_000 + config.memoryPositions * 2, nodeFlags: ['--expose-gc', '--max-old-space-size=4096'], profileDir },
      ),
    );
    if (memory) bench.details.memory = memory;
  }

  // ---- The storage thread's work per order, without HTTP ----
  let storage: StorageResult | null = null;
  if (bench.wants('storage')) {
    log(`storage: ${config.storageOrders} market orders over ${config.users} users, ${config.storageBatch} per batch, decided, appended and projected`);
    storage = await bench.attempt('storage', () =>
      runBenchChild<StorageResult>(
        'storage',
        'storage-cost.js',
        { users: config.users, batch: config.storageBatch, orders: config.storageOrders, runs: config.runs },
        { timeoutMs: 120_000 + config.runs * config.storageOrders * 2, nodeFlags: ['--max-old-space-size=2048'], profileDir },
      ),
    );
    if (storage) bench.details.storage = storage;
  }

  // ---- Summary ----
  const machine = load.stop();
  // The benchmark itself keeps about two processes busy (load generator + service, or one engine child).
  if ((machine.load_avg_1m_median ?? 0) > machine.cores + 2) {
    bench.notes.push(
      `The machine was busy with other work (1-minute load average median ${machine.load_avg_1m_median}, max ${machine.load_avg_1m_max}, on ${machine.cores} cores, about 2 of it this benchmark's own): absolute figures are depressed; ratios measured side by side hold better.`,
    );
  }
  const c = loadSummary(ceiling);
  const e = loadSummary(embedded);
  const d = loadSummary(distributed);
  const restartFromSnapshot = restarts.length > 0 ? restarts.every((r) => r.fromSnapshot) : null;
  if (generated && !generated.snapshotsAvailable) {
    bench.notes.push('Engine snapshots are not available (apps/engine/src/snapshots + EngineRunner options.snapshots): restart_ms is a full fold of the whole log.');
  } else if (restartFromSnapshot === true) {
    bench.notes.push(`restart_ms: engine snapshot taken ${config.snapshotTail} events before the head, then the tail folded; spawn-to-loaded wall time.`);
  } else if (restartFromSnapshot === false) {
    bench.notes.push('restart_ms: snapshots exist but none was usable: full fold of the whole log.');
  }
  bench.notes.push(
    `orders: fresh service per round, ${config.users} users, 0.01-lot market orders over all 9 instruments, PRICE_STALE_MS=24h (ticked at start), read-your-writes included.`,
    `ticks: ${config.positions} positions + ${config.orders} pending orders (all with TP/SL) over ${config.accounts} accounts; naive = same engine with the trigger lookup replaced by a full scan of positions and orders and the margin watch by a check of every account the price moves.`,
  );
  const summary = {
    http_ceiling_rps: roundRate(c.rps),
    orders_rps: roundRate(e.rps),
    orders_p50_ms: round(e.p50, 2),
    orders_p99_ms: round(e.p99, 2),
    orders_ratio: round(ratio(e.rps, c.rps), 3),
    orders_non2xx_share: round(e.non2xxShare, 4),
    orders_cpu_us_per_order: round(e.cpuUsPerOrder),
    orders_main_thread_cpu_us_per_order: round(e.mainThreadsCpuUsPerOrder),
    orders_machine_busy_share: round(e.machineBusyShare, 2),
    distributed_orders_rps: roundRate(d.rps),
    distributed_p50_ms: round(d.p50, 2),
    distributed_p99_ms: round(d.p99, 2),
    distributed_ratio: round(ratio(d.rps, c.rps), 3),
    distributed_non2xx_share: round(d.non2xxShare, 4),
    distributed_cpu_us_per_order: round(d.cpuUsPerOrder),
    distributed_main_threads_cpu_us_per_order: round(d.mainThreadsCpuUsPerOrder),
    distributed_machine_busy_share: round(d.machineBusyShare, 2),
    ticks_per_s: roundRate(ticks?.ticksPerS),
    naive_ticks_per_s: roundRate(ticks?.naiveTicksPerS),
    trigger_speedup: round(ratio(ticks?.ticksPerS, ticks?.naiveTicksPerS), 3),
    trigger_lookups_per_s: round(ticks?.lookupsPerS),
    naive_lookups_per_s: round(ticks?.naiveLookupsPerS),
    trigger_lookup_speedup: round(ratio(ticks?.lookupsPerS, ticks?.naiveLookupsPerS), 1),
    tick_events_per_tick: ticks ? round(median(ticks.indexedRuns.map((r) => (r.ticks > 0 ? r.events / r.ticks : NaN))), 2) : null,
    replay_events_per_s: round(median(replays.map((r) => r.eventsPerS))),
    replay_decode_only_events_per_s: round(replays[0]?.decode?.eventsPerS),
    generate_events_per_s: generated ? round(generated.events / generated.seconds) : null,
    replay_events: replays[0]?.events ?? null,
    replay_heap_mb: replays[0]?.heapMbAfter ?? null,
    restart_ms: round(median(restarts.map((r) => r.wallMs ?? r.loadMs))),
    restart_load_ms: round(median(restarts.map((r) => r.loadMs))),
    restart_from_snapshot: restartFromSnapshot,
    engine_bytes_per_position: round(memory?.bytesPerPosition),
    engine_bytes_per_pending_order: round(memory?.bytesPerOrder),
    engine_runner_bytes_per_position: round(memory?.runnerBytesPerPosition),
    storage_append_us_per_order: round(storage?.appendUsPerOrder, 1),
    storage_project_us_per_order: round(storage?.projectUsPerOrder, 1),
    storage_kernel_share: round(storage?.systemShare, 2),
    storage_kb_written_per_order: round(storage?.kbWrittenPerOrder, 1),
    storage_write_calls_per_order: round(storage?.writeCallsPerOrder, 1),
  };
  const goals: Record<string, { goal: string; met: boolean | null }> = {};
  for (const [key, goal] of Object.entries(GOALS)) {
    goals[key] = { goal: 'min' in goal ? `>= ${goal.min}` : `<= ${goal.max}`, met: meets(summary[key as keyof typeof summary] as number | null, goal) };
  }
  const detailsFile = join(resultsDir, `bench-${stamp}${config.smoke ? '-smoke' : ''}.json`);
  const result = {
    ...summary,
    notes: bench.notes,
    errors: bench.errors,
    goals,
    scale: config.smoke ? 'smoke' : (process.env.BENCH_SCALE ?? 'full'),
    runs: config.runs,
    sizes: {
      duration_s: config.durationS,
      connections: config.connections,
      users: config.users,
      positions: config.positions,
      orders: config.orders,
      accounts: config.accounts,
      events: config.events,
      snapshot_tail: config.snapshotTail,
      memory_positions: config.memoryPositions,
      storage_orders: config.storageOrders,
      storage_batch: config.storageBatch,
    },
    node: process.version,
    machine,
    elapsed_s: Math.round((Date.now() - started) / 1000),
    details_file: detailsFile,
    profiles_dir: profileDir,
  };
  writeFileSync(detailsFile, `${JSON.stringify({ ...result, details: bench.details }, null, 2)}\n`);
  log(`done in ${result.elapsed_s} s; details in ${detailsFile}`);
  if (liveChildren() > 0) log(`stopping ${liveChildren()} child process(es) still running`);
  killAllNow();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  const missed = Object.entries(goals).filter(([, g]) => g.met === false).map(([k]) => k);
  if (missed.length > 0) log(`goals missed: ${missed.join(', ')}`);
  if (bench.errors.length > 0) process.exitCode = 1;
  else if (missed.length > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 2;
  // Nothing should keep the process alive now; if something does (a stray socket), do not hang CI.
  setTimeout(() => process.exit(), 2_000).unref();
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killAllNow();
  process.stdout.write(`${JSON.stringify({ errors: [{ bench: 'run', error: error instanceof Error ? error.message : String(error) }] })}\n`);
  process.exitCode = 1;
});
