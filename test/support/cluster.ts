/**
 * Distributed end-to-end harness: runs the processes of the distributed deployment as separate OS
 * processes, exactly as `npm run start:engine|start:projector|start:api` run them
 * (`node dist/apps/<app>/src/main.js`, cwd = repository root):
 *
 * - `engine` (shard 0 of 1) and `projector`, with `LOG_LEVEL=info` so their "… running" line tells
 *   when they are ready (they log a handful of lines at info, nothing per request);
 * - `api-1` … `api-N` on free ports (`LOG_LEVEL=warn`), ready when `GET /health/live` answers 200.
 *
 * They share one temporary DATA_DIR (the SQLite log `events.sqlite`), one `JWT_SECRET`, one
 * `ADMIN_TOKEN`, `PRICE_FEED=manual` and a Redis key prefix unique to the cluster, so test files
 * never see each other's streams or read models. `dispose()` (registered in afterAll by
 * `useCluster`) kills every process, deletes every Redis key under the prefix (SCAN + UNLINK) and
 * the DATA_DIR, also when a test failed; a process-exit hook SIGKILLs whatever is still running.
 *
 * Like `service.ts`, this does not build: run `npm run build` first. The processes run from a
 * private copy of `dist/` taken when the cluster starts (see `ClusterOptions.snapshotDist`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SqliteEventStore, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { RedisReadModelStore } from '../../libs/read-models/src/redis/redis-read-model-store.js';
import { freePort, REPO_ROOT, uniqueEmail, type HttpOptions, type HttpResult, type Quote, type TestUser } from './service.js';

export const DIST = join(REPO_ROOT, 'dist');
const entry = (root: string, app: 'engine' | 'projector' | 'api') => join(root, 'apps', app, 'src', 'main.js');
const ENTRIES = { engine: entry(DIST, 'engine'), projector: entry(DIST, 'projector'), api: entry(DIST, 'api') } as const;

const READY_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 128 * 1024;
const EVENTS_FILE = 'events.sqlite';

type Kind = keyof typeof ENTRIES;
export type ProcessName = 'engine' | 'projector' | `api-${number}`;

/** Fails with a clear message when the compiled processes are missing. */
export function assertDistributedBuilt(): void {
  const missing = Object.values(ENTRIES).filter((entry) => !existsSync(entry));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} missing. Run \`npm run build\` before the e2e tests (\`npm test\` builds first).`);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a value other than undefined/false, at most `timeoutMs`; the
 * error names `what` and the last failure. For conditions, never fixed sleeps.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message ?? String(last)}` : ''}`);
    }
    await sleep(everyMs);
  }
}

/** One process of the cluster: spawned, killed and restarted under the same name, port and environment. */
export class ClusterProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private exitInfo: string | null = null;
  /** Output of the current run (readiness is looked for here). */
  private current = '';
  /** Output of every run, restarts marked (for failure messages). */
  private history = '';
  private paused = false;
  /** How many times it was started. */
  starts = 0;

  constructor(
    readonly name: ProcessName,
    readonly kind: Kind,
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number | null,
    /** The compiled tree the process runs from (`dist/` or a snapshot of it). */
    private readonly codeRoot: string = DIST,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  get logs(): string {
    return this.history;
  }

  get baseUrl(): string {
    if (this.port === null) throw new Error(`${this.name} has no HTTP port`);
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawns the process and resolves once it is ready (see the file comment). */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running (pid ${this.child.pid})`);
    this.starts += 1;
    this.current = '';
    this.exitInfo = null;
    this.paused = false;
    this.history = `${this.history}\n----- ${this.name} start #${this.starts} at ${new Date().toISOString()} -----\n`.slice(-OUTPUT_LIMIT);
    const child = spawn(process.execPath, [entry(this.codeRoot, this.kind)], {
      cwd: REPO_ROOT,
      env: this.port === null ? this.env : { ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const append = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.current = (this.current + text).slice(-OUTPUT_LIMIT);
      this.history = (this.history + text).slice(-OUTPUT_LIMIT);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = new Promise<void>((done) => {
      const gone = (info: string) => {
        this.exitInfo ??= info;
        if (this.child === child) this.child = null;
        done();
      };
      child.once('exit', (code, signal) => gone(`exit code ${code}, signal ${signal}`));
      child.once('error', (error) => gone(`spawn error: ${error.message}`));
    });
    try {
      await this.waitReady();
    } catch (error) {
      await this.kill9();
      throw error;
    }
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const readyLine = this.kind === 'engine' ? /"msg":"engine shard \d+\/\d+ running"/ : this.kind === 'projector' ? /"msg":"projector running"/ : null;
    for (;;) {
      if (this.exitInfo !== null) throw new Error(`${this.name} exited before it was ready (${this.exitInfo}). Its output:\n${this.current}`);
      if (readyLine) {
        if (readyLine.test(this.current)) return;
      } else {
        try {
          const response = await fetch(`${this.baseUrl}/health/live`, { signal: AbortSignal.timeout(1_000) });
          await response.arrayBuffer();
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} was not ready within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${this.current}`);
      }
      await sleep(readyLine ? 20 : 50);
    }
  }

  /** SIGKILL (`kill -9`) and wait for the exit. A paused process is killed too. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.child = null;
    this.paused = false;
  }

  /** SIGSTOP: the process is frozen (its sockets stay open) until resume(). */
  pause(): void {
    if (!this.child) throw new Error(`${this.name} is not running`);
    this.child.kill('SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT. */
  resume(): void {
    if (!this.child) throw new Error(`${this.name} is not running`);
    this.child.kill('SIGCONT');
    this.paused = false;
  }

  /** SIGTERM (graceful shutdown), SIGKILL when it does not exit in time. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.paused) child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
    if (timedOut) {
      child.kill('SIGKILL');
      await this.exited;
    }
    this.child = null;
    this.paused = false;
  }

  /** For the process-exit hook only. */
  killNow(): void {
    try {
      this.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** One API instance over HTTP: the same helpers as `Service` (service.ts), against its own port. */
export class ApiInstance {
  constructor(
    private readonly process: ClusterProcess,
    readonly adminToken: string,
  ) {}

  get name(): ProcessName {
    return this.process.name;
  }

  get baseUrl(): string {
    return this.process.baseUrl;
  }

  async http<T = any>(method: string, path: string, options: HttpOptions & { timeoutMs?: number } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 20_000) });
    const text = await response.text();
    let parsed: unknown = text;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** Signs a new user up (unique email unless given) and signs them in on this instance. */
  async signup(email: string = uniqueEmail('dist'), password = 'correct-horse-1'): Promise<TestUser> {
    const created = await this.http('POST', '/api/v1/user/signup', { body: { email, password } });
    if (created.status !== 201) throw new Error(`${this.name}: signup ${email} answered ${created.status} ${JSON.stringify(created.body)}`);
    const token = await this.signin(email, password);
    return { email, password, userId: String(created.body.userId), accountId: String(created.body.accountId), token };
  }

  async signin(email: string, password: string): Promise<string> {
    const result = await this.http('POST', '/api/v1/user/signin', { body: { email, password } });
    if (result.status !== 200 || typeof result.body?.token !== 'string') {
      throw new Error(`${this.name}: signin ${email} answered ${result.status} ${JSON.stringify(result.body)}`);
    }
    return result.body.token as string;
  }

  async tick(symbol: string, bid: number | string, ask: number | string): Promise<void> {
    await this.ticks([{ symbol, bid, ask }]);
  }

  async ticks(quotes: Quote[]): Promise<void> {
    const result = await this.postTicks(quotes);
    if (result.status !== 200) throw new Error(`${this.name}: admin ticks answered ${result.status} ${JSON.stringify(result.body)}`);
  }

  /** `POST /api/v1/admin/ticks` without judging the answer. */
  postTicks(quotes: Quote[]): Promise<HttpResult> {
    return this.http('POST', '/api/v1/admin/ticks', {
      body: quotes.length === 1 ? quotes[0] : quotes,
      headers: { 'x-admin-token': this.adminToken },
    });
  }

  /** `GET /health` (the readiness report with one component per engine shard). */
  health(): Promise<HttpResult> {
    return this.http('GET', '/health');
  }
}

export interface ClusterOptions {
  redisUrl: string;
  /** How many API instances; default 2. */
  apis?: number;
  /** Names the Redis prefix (`ts:e2e:{label}:{random}:`), to tell whose keys they are. */
  label?: string;
  /** Extra or overriding environment variables for every process. */
  env?: Record<string, string>;
  /**
   * Run every process (and every restart) from a private copy of `dist/` taken at start (default
   * true), so a rebuild running meanwhile (`npm run build` in another terminal) can neither break
   * a restart half way through a test nor mix two versions in one cluster. The copy lives under
   * the repository's `.tmp/`, so packages resolve from its node_modules as they do from `dist/`.
   */
  snapshotDist?: boolean;
}

const live = new Set<Cluster>();

/** The processes of one distributed deployment plus the test's own views of Redis and the log. */
export class Cluster {
  readonly prefix: string;
  readonly dataDir: string;
  readonly adminToken = `admin-${randomBytes(12).toString('hex')}`;
  readonly jwtSecret = randomBytes(48).toString('base64url');
  readonly redisUrl: string;
  /** The test's own Redis connection (cleanup, stream inspection). */
  readonly redis: Redis;
  readonly processes = new Map<ProcessName, ClusterProcess>();
  readonly apis: ApiInstance[] = [];
  /** Where the processes' code comes from: `dist/`, or the private copy of it (removed by dispose). */
  readonly codeRoot: string;
  private readonly snapshot: string | null;
  private disposed = false;

  private constructor(options: ClusterOptions) {
    this.redisUrl = options.redisUrl;
    this.prefix = `ts:e2e:${options.label ?? 'cluster'}:${randomUUID()}:`;
    this.dataDir = mkdtempSync(join(tmpdir(), 'tradestream-dist-'));
    if (options.snapshotDist ?? true) {
      const parent = join(REPO_ROOT, '.tmp');
      mkdirSync(parent, { recursive: true });
      this.snapshot = mkdtempSync(join(parent, 'e2e-dist-'));
      cpSync(DIST, this.snapshot, { recursive: true, filter: (source) => !source.endsWith('.map') });
      this.codeRoot = this.snapshot;
    } else {
      this.snapshot = null;
      this.codeRoot = DIST;
    }
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    this.redis.on('error', () => undefined); // reported by the commands that fail
  }

  /** Starts engine, projector and the API instances (engine and projector first, in parallel). */
  static async start(options: ClusterOptions): Promise<Cluster> {
    assertDistributedBuilt();
    const cluster = new Cluster(options);
    live.add(cluster);
    try {
      const base = cluster.baseEnv(options.env ?? {});
      const make = async (name: ProcessName, kind: Kind, logLevel: string) => {
        const port = kind === 'api' ? await freePort() : null;
        const proc = new ClusterProcess(name, kind, { ...base, LOG_LEVEL: logLevel, SERVICE_NAME: name, ...options.env }, port, cluster.codeRoot);
        cluster.processes.set(name, proc);
        return proc;
      };
      const engine = await make('engine', 'engine', 'info');
      const projector = await make('projector', 'projector', 'info');
      await Promise.all([engine.start(), projector.start()]);
      const apis: ClusterProcess[] = [];
      for (let i = 1; i <= (options.apis ?? 2); i += 1) apis.push(await make(`api-${i}`, 'api', 'warn'));
      await Promise.all(apis.map((api) => api.start()));
      cluster.apis.push(...apis.map((api) => new ApiInstance(api, cluster.adminToken)));
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  private baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: this.prefix,
      DATA_DIR: this.dataDir,
      JWT_SECRET: this.jwtSecret,
      ADMIN_TOKEN: this.adminToken,
      PRICE_FEED: 'manual',
      ENGINE_SHARDS: '1',
      ENGINE_SHARD: '0',
      HOST: '127.0.0.1',
    };
    // Nothing of the test runner's own environment decides timeouts or stores (jest sets NODE_ENV=test).
    for (const name of ['NODE_ENV', 'EVENTSTORE_URL', 'COMMAND_TIMEOUT_MS', 'PORT', 'PRICE_STALE_MS', 'DEMO_BALANCE']) {
      if (!(name in extra)) delete env[name];
    }
    return env;
  }

  process(name: ProcessName): ClusterProcess {
    const proc = this.processes.get(name);
    if (!proc) throw new Error(`no process ${name} in this cluster (${[...this.processes.keys()].join(', ')})`);
    return proc;
  }

  /** API instance 1, 2, … (1-based, like the process names). */
  api(n: number): ApiInstance {
    const api = this.apis[n - 1];
    if (!api) throw new Error(`no api-${n} in this cluster`);
    return api;
  }

  kill9(name: ProcessName): Promise<void> {
    return this.process(name).kill9();
  }

  stop(name: ProcessName): Promise<void> {
    return this.process(name).stop();
  }

  /** Starts a stopped or killed process again (same port and environment) and waits until it is ready. */
  start(name: ProcessName): Promise<void> {
    return this.process(name).start();
  }

  pause(name: ProcessName): void {
    this.process(name).pause();
  }

  resume(name: ProcessName): void {
    this.process(name).resume();
  }

  logs(name: ProcessName): string {
    return this.process(name).logs;
  }

  /** The log lines of a process at `minLevel` or above (pino: 40 warn, 50 error, 60 fatal), for failure messages. */
  logLines(name: ProcessName, minLevel = 50): string[] {
    return this.logs(name)
      .split('\n')
      .filter((line) => {
        const level = /^\{"level":(\d+)/.exec(line);
        return level ? Number(level[1]) >= minLevel : /Error|error/.test(line);
      });
  }

  /** Polls `GET /health` on an API instance until `engine-{shard}` reports up. */
  async waitForEngineHealthy(shard = 0, api = 1, timeoutMs = 15_000): Promise<void> {
    await waitFor(`engine-${shard} up in ${this.api(api).name}'s /health`, async () => {
      const health = await this.api(api).health();
      return health.body?.components?.[`engine-${shard}`]?.status === 'up';
    }, timeoutMs, 100);
  }

  // ---- the log --------------------------------------------------------------------------------

  /** A connection of the test's own to the shared SQLite log; close it after use. */
  openLog(): SqliteEventStore {
    return new SqliteEventStore(join(this.dataDir, EVENTS_FILE));
  }

  /** Every event of the log in position order (read on a connection opened and closed for it). */
  async readLog(): Promise<RecordedEvent[]> {
    const store = this.openLog();
    try {
      const all: RecordedEvent[] = [];
      for (;;) {
        const page = await store.readAll({ after: all.at(-1)?.position ?? 0, maxCount: 5_000 });
        if (page.length === 0) return all;
        all.push(...page);
      }
    } finally {
      await store.close();
    }
  }

  async logHead(): Promise<number> {
    const store = this.openLog();
    try {
      return await store.headPosition();
    } finally {
      await store.close();
    }
  }

  // ---- the read models ------------------------------------------------------------------------

  /** The live read models the projector writes (`{prefix}rm:`), on the test's Redis connection. */
  liveReadModels(): RedisReadModelStore {
    return new RedisReadModelStore(this.redis, `${this.prefix}rm:`);
  }

  /** Resolves once the projector's checkpoint reached the head of the log (read when called). */
  async waitForProjection(timeoutMs = 15_000): Promise<number> {
    const head = await this.logHead();
    const readModels = this.liveReadModels();
    await waitFor(`the read models to reach log position ${head}`, async () => (await readModels.checkpoint()) >= head, timeoutMs);
    return head;
  }

  // ---- Redis ----------------------------------------------------------------------------------

  /** The command stream of an engine shard (`{prefix}commands:{shard}`). */
  commandStream(shard = 0): string {
    return `${this.prefix}commands:${shard}`;
  }

  /** Entries of a shard's command stream delivered to its engine and not acknowledged yet. */
  async pendingCommands(shard = 0): Promise<number> {
    try {
      const [count] = (await this.redis.xpending(this.commandStream(shard), `engine-shard-${shard}`)) as [number, ...unknown[]];
      return Number(count);
    } catch (error) {
      if (String((error as Error).message).startsWith('NOGROUP')) return 0;
      throw error;
    }
  }

  /** Every key under this cluster's prefix. */
  async keys(): Promise<string[]> {
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  /** Kills every process, deletes the prefix's Redis keys and the DATA_DIR. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const problems: unknown[] = [];
    // SIGKILL, not SIGTERM: nothing they would flush matters any more, and it is fast.
    const results = await Promise.allSettled([...this.processes.values()].map((p) => p.kill9()));
    for (const r of results) if (r.status === 'rejected') problems.push(r.reason);
    try {
      const keys = await this.keys();
      for (let i = 0; i < keys.length; i += 500) await this.redis.unlink(...keys.slice(i, i + 500));
    } catch (error) {
      problems.push(error);
    }
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.snapshot) rmSync(this.snapshot, { recursive: true, force: true });
    live.delete(this);
    if (problems.length > 0) throw new Error(`cluster cleanup: ${problems.map((p) => (p as Error).message ?? String(p)).join('; ')}`);
  }
}

// Last resort when the test process exits without afterAll (crash, interrupted run): no orphans.
process.once('exit', () => {
  for (const cluster of live) {
    for (const proc of cluster.processes.values()) proc.killNow();
    if (cluster.codeRoot !== DIST) rmSync(cluster.codeRoot, { recursive: true, force: true });
  }
});

/**
 * Registers beforeAll/afterAll for one cluster shared by a describe block; the getter gives the
 * running cluster inside tests. afterAll cleans up even when beforeAll or a test failed.
 */
export function useCluster(options: () => ClusterOptions): () => Cluster {
  assertDistributedBuilt();
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await Cluster.start(options());
  }, 120_000);
  afterAll(async () => {
    await cluster?.dispose();
  }, 30_000);
  return () => {
    if (!cluster) throw new Error('the cluster did not start (see the beforeAll error)');
    return cluster;
  };
}
