/**
 * Benchmark sizes. `BENCH_SCALE=smoke` (or `--smoke`) runs everything at tiny sizes (CI);
 * `BENCH_SCALE=<number>` scales the data sizes of the full run (0.1 = a tenth); explicit variables
 * override single sizes. Every size is bounded so a typo cannot start an endless run.
 */
export interface BenchConfig {
  smoke: boolean;
  /** Measured runs per benchmark; each figure is their median. */
  runs: number;
  /** HTTP: seconds measured per run, after `warmupS` of unmeasured load. */
  durationS: number;
  warmupS: number;
  connections: number;
  /** HTTP: users signed up before the order runs; requests rotate over them. */
  users: number;
  /** Ticks: open positions and pending orders (with TP/SL) the engine holds, over `accounts` accounts. */
  positions: number;
  orders: number;
  accounts: number;
  /** Ticks: seconds per measured window of each mode (indexed, naive). */
  tickWindowS: number;
  /** Replay / restart: events in the generated SQLite log, and how many of them follow the snapshot. */
  events: number;
  snapshotTail: number;
  /** Memory: positions opened between the two heap measurements. */
  memoryPositions: number;
  /** Storage: market orders decided, appended and projected, `storageBatch` per engine batch. */
  storageOrders: number;
  storageBatch: number;
  /** Which benchmarks run (all by default). */
  only: Set<BenchName>;
  /** Write a V8 CPU profile of every child process (node --cpu-prof) into `resultsDir/profiles`. */
  profile: boolean;
  resultsDir: string;
}

export const BENCH_NAMES = ['ceiling', 'embedded', 'distributed', 'ticks', 'replay', 'memory', 'storage'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

const FULL = {
  runs: 3,
  durationS: 5,
  warmupS: 1,
  connections: 64,
  users: 200,
  positions: 100_000,
  orders: 100_000,
  accounts: 10_000,
  tickWindowS: 3,
  events: 1_000_000,
  snapshotTail: 50_000,
  memoryPositions: 100_000,
  storageOrders: 20_000,
  storageBatch: 10,
};

const SMOKE: typeof FULL = {
  runs: 1,
  durationS: 1,
  warmupS: 0.2,
  connections: 16,
  // One user per connection: fewer trip the per-user rate limit (200/s each) and the smoke's orders
  // would mostly measure 429s.
  users: 16,
  positions: 2_000,
  orders: 2_000,
  accounts: 200,
  tickWindowS: 0.2,
  events: 10_000,
  snapshotTail: 1_000,
  memoryPositions: 5_000,
  storageOrders: 500,
  storageBatch: 10,
};

function num(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, integer = true): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${integer ? 'a whole number' : 'a number'} within ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): BenchConfig {
  const scaleText = (env.BENCH_SCALE ?? '').trim().toLowerCase();
  const smoke = argv.includes('--smoke') || scaleText === 'smoke';
  let base = smoke ? SMOKE : FULL;
  if (!smoke && scaleText !== '' && scaleText !== 'full') {
    const scale = Number(scaleText);
    if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`BENCH_SCALE must be smoke, full or a number in (0, 10], got ${JSON.stringify(env.BENCH_SCALE)}`);
    const scaled = (n: number, min: number) => Math.max(min, Math.round(n * scale));
    base = {
      ...FULL,
      users: scaled(FULL.users, 4),
      positions: scaled(FULL.positions, 100),
      orders: scaled(FULL.orders, 100),
      accounts: scaled(FULL.accounts, 10),
      events: scaled(FULL.events, 1_000),
      snapshotTail: scaled(FULL.snapshotTail, 100),
      memoryPositions: scaled(FULL.memoryPositions, 100),
      storageOrders: scaled(FULL.storageOrders, 100),
    };
  }
  const onlyText = env.BENCH_ONLY?.trim();
  const only = new Set<BenchName>();
  for (const name of onlyText ? onlyText.split(',').map((s) => s.trim()) : BENCH_NAMES) {
    if (!(BENCH_NAMES as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: unknown benchmark ${JSON.stringify(name)}; known: ${BENCH_NAMES.join(', ')}`);
    only.add(name as BenchName);
  }
  const events = num(env, 'BENCH_EVENTS', base.events, 100, 20_000_000);
  const config: BenchConfig = {
    smoke,
    runs: num(env, 'BENCH_RUNS', base.runs, 1, 15),
    durationS: num(env, 'BENCH_DURATION_S', base.durationS, 0.2, 120, false),
    warmupS: num(env, 'BENCH_WARMUP_S', base.warmupS, 0, 30, false),
    connections: num(env, 'BENCH_CONNECTIONS', base.connections, 1, 1_024),
    users: num(env, 'BENCH_USERS', base.users, 1, 10_000),
    positions: num(env, 'BENCH_POSITIONS', base.positions, 10, 5_000_000),
    orders: num(env, 'BENCH_ORDERS', base.orders, 0, 5_000_000),
    accounts: num(env, 'BENCH_ACCOUNTS', base.accounts, 1, 1_000_000),
    tickWindowS: num(env, 'BENCH_TICK_WINDOW_S', base.tickWindowS, 0.05, 60, false),
    events,
    snapshotTail: Math.min(num(env, 'BENCH_SNAPSHOT_TAIL', base.snapshotTail, 0, 20_000_000), Math.floor(events / 2)),
    memoryPositions: num(env, 'BENCH_MEMORY_POSITIONS', base.memoryPositions, 10, 5_000_000),
    storageOrders: num(env, 'BENCH_STORAGE_ORDERS', base.storageOrders, 10, 1_000_000),
    storageBatch: num(env, 'BENCH_STORAGE_BATCH', base.storageBatch, 1, 5_000),
    only,
    profile: env.BENCH_PROFILE === '1' || env.BENCH_PROFILE === 'true',
    resultsDir: env.BENCH_RESULTS_DIR || 'bench-results',
  };
  return config;
}
