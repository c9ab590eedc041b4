/**
 * Order throughput over HTTP: the service started as a process exactly as `npm start` starts it
 * (embedded), or as separate API / engine / projector processes over Redis streams (distributed),
 * on a fresh temporary DATA_DIR (and a unique Redis key prefix), loopback only.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { BenchConfig } from './config.js';
import { startCpuWindow, type CpuWindowResult } from './cpu-usage.js';
import { describeLoad, runLoad, type LoadResult } from './load.js';
import { PriceWalk, SYMBOLS, tickBody } from './market.js';
import { DIST, freePort, log, NodeChild, sleep, waitForHttp } from './processes.js';

const READY_TIMEOUT_MS = 30_000;
/** Ticks never go stale during a run: the bench measures orders, not the price feed. */
const PRICE_STALE_MS = String(24 * 60 * 60 * 1000);
/** Large enough that margin never runs out, whatever the run length (0.01 lot orders). */
const DEMO_BALANCE = '100000000';
const PASSWORD = 'bench-password-1';

export interface Deployment {
  kind: 'embedded' | 'distributed';
  baseUrl: string;
  adminToken: string;
  jwtSecret: string;
  /** The service's processes (for their CPU time). */
  pids(): number[];
  stop(): Promise<void>;
}

/** The environment a service process gets: nothing from ours decides where data, secrets or Redis are. */
function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_ENV', 'EVENTSTORE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'HOST', 'PORT', 'DATA_DIR', 'JWT_SECRET', 'ADMIN_TOKEN',
    'COMMAND_TIMEOUT_MS', 'SERVICE_NAME', 'ENGINE_SHARDS', 'ENGINE_SHARD', 'PRICE_FEED', 'DEMO_BALANCE', 'PRICE_STALE_MS']) {
    delete env[name];
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

function secrets() {
  return { adminToken: `admin-${randomBytes(12).toString('hex')}`, jwtSecret: randomBytes(48).toString('base64url') };
}

/** `npm start`'s process (node dist/apps/standalone/src/main.js) on a fresh DATA_DIR and a free port. */
export async function startEmbedded(profileDir: string | null): Promise<Deployment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tradestream-bench-'));
  const { adminToken, jwtSecret } = secrets();
  let child: NodeChild | undefined;
  const stop = async () => {
    try {
      await child?.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    const port = await freePort();
    child = new NodeChild('embedded', join(DIST, 'apps', 'standalone', 'src', 'main.js'), [], {
      profileDir,
      env: serviceEnv({
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        PRICE_FEED: 'manual',
        ADMIN_TOKEN: adminToken,
        JWT_SECRET: jwtSecret,
        DEMO_BALANCE,
        PRICE_STALE_MS,
      }),
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${baseUrl}/api/v1/symbols`, child, READY_TIMEOUT_MS);
    const pid = child.process.pid;
    return { kind: 'embedded', baseUrl, adminToken, jwtSecret, pids: () => (pid === undefined ? [] : [pid]), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Deletes every key under `prefix` (SCAN + UNLINK, bounded). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!/^tsbench:[\w.-]+:$/.test(prefix)) throw new Error(`refusing to delete keys under an unexpected prefix ${JSON.stringify(prefix)}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    for (let round = 0; round < 100_000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export async function redisReachable(redisUrl: string): Promise<string | null> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0, lazyConnect: true, connectTimeout: 2_000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return `Redis at ${redisUrl} did not answer: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
}

/** API, engine (shard 0 of 1) and projector processes over Redis streams, SQLite log on a shared DATA_DIR. */
export async function startDistributed(redisUrl: string, profileDir: string | null): Promise<Deployment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tradestream-bench-dist-'));
  const prefix = `tsbench:${process.pid}-${randomBytes(4).toString('hex')}:`;
  const { adminToken, jwtSecret } = secrets();
  const children: NodeChild[] = [];
  const stop = async () => {
    try {
      // The API first (no new commands), then the engine, then the projector.
      for (const child of [...children].reverse()) await child.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      try {
        const deleted = await deleteRedisKeys(redisUrl, prefix);
        log(`distributed: removed ${deleted} Redis keys under ${prefix}`);
      } catch (error) {
        log(`distributed: could not remove the Redis keys under ${prefix}: ${(error as Error).message}`);
      }
    }
  };
  try {
    const port = await freePort();
    const env = serviceEnv({
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      ADMIN_TOKEN: adminToken,
      PRICE_FEED: 'manual',
      DEMO_BALANCE,
      PRICE_STALE_MS,
      ENGINE_SHARDS: '1',
      ENGINE_SHARD: '0',
      HOST: '127.0.0.1',
    });
    const main = (app: string) => join(DIST, 'apps', app, 'src', 'main.js');
    children.push(new NodeChild('dist-projector', main('projector'), [], { env: { ...env, SERVICE_NAME: 'bench-projector' }, profileDir }));
    children.push(new NodeChild('dist-engine', main('engine'), [], { env: { ...env, SERVICE_NAME: 'bench-engine' }, profileDir }));
    const api = new NodeChild('dist-api', main('api'), [], { env: { ...env, PORT: String(port), SERVICE_NAME: 'bench-api' }, profileDir });
    children.push(api);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${baseUrl}/health/live`, api, READY_TIMEOUT_MS);
    // Ready when /health sees the engine's heartbeat and the read models (it answers 503 until then).
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      for (const child of children) if (!child.running) throw new Error(`${child.name} exited during start-up. Output:\n${child.output}`);
      const health = await fetch(`${baseUrl}/health`).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { components?: Record<string, { status: string }> } }),
        () => null,
      );
      if (health?.status === 200 && health.body.components?.['engine-0']?.status === 'up') break;
      if (Date.now() > deadline) throw new Error(`the distributed deployment was not healthy within ${READY_TIMEOUT_MS / 1000} s: ${JSON.stringify(health?.body)}`);
      await sleep(100);
    }
    const pids = () => children.flatMap((c) => (c.process.pid === undefined ? [] : [c.process.pid]));
    return { kind: 'distributed', baseUrl, adminToken, jwtSecret, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS256 token as the service issues it (same claims, issuer and audience), signed with its JWT_SECRET. */
export function mintToken(secret: string, userId: string, now = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub: userId, acc: 'user', iat: now, exp: now + 24 * 3600, aud: 'tradestream-api', iss: 'tradestream' }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * Signs `count` users up (a few at a time: argon2 is deliberately slow) and returns a token each.
 * Tokens are minted with the deployment's JWT_SECRET instead of `count` more argon2 sign-ins; the
 * first one is checked against the API, and sign-in is used instead when it is refused.
 */
export async function prepareUsers(d: Deployment, count: number, concurrency = 6): Promise<string[]> {
  const run = randomBytes(4).toString('hex');
  const users: { email: string; userId: string }[] = new Array(count);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const i = nextIndex++;
      const email = `bench.${run}.${i}@example.com`;
      const created = await postJson(`${d.baseUrl}/api/v1/user/signup`, { email, password: PASSWORD });
      if (created.status !== 201) throw new Error(`signup answered ${created.status} ${JSON.stringify(created.body)}`);
      users[i] = { email, userId: String(created.body.userId) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  let tokens = users.map((u) => mintToken(d.jwtSecret, u.userId));
  const probe = await fetch(`${d.baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${tokens[0]}` } });
  await probe.arrayBuffer();
  if (probe.status !== 200) {
    log(`${d.kind}: a locally minted token answered ${probe.status}; signing every user in instead`);
    tokens = [];
    for (const u of users) {
      const signed = await postJson(`${d.baseUrl}/api/v1/user/signin`, { email: u.email, password: PASSWORD });
      if (signed.status !== 200) throw new Error(`signin answered ${signed.status} ${JSON.stringify(signed.body)}`);
      tokens.push(String(signed.body.token));
    }
  }
  return tokens;
}

/** One admin tick per instrument (answers once the engine applied them). */
export async function tickAll(d: Deployment, walk: PriceWalk): Promise<void> {
  const result = await postJson(`${d.baseUrl}/api/v1/admin/ticks`, tickBody(walk.all(Date.now())), { 'x-admin-token': d.adminToken });
  if (result.status !== 200) throw new Error(`admin ticks answered ${result.status} ${JSON.stringify(result.body)}`);
}

/** Market orders of 0.01 lot over every instrument, both sides, rotating over the users' tokens. */
export function orderLoad(d: Deployment, tokens: string[], connections: number, durationS: number): Promise<LoadResult> {
  const bodies = SYMBOLS.flatMap((symbol) =>
    (['BUY', 'SELL'] as const).map((type) => JSON.stringify({ symbol, type, quantity: 0.01, leverage: 100 })),
  );
  const authorizations = tokens.map((t) => `Bearer ${t}`);
  let n = 0;
  return runLoad({
    url: d.baseUrl,
    connections,
    durationS,
    method: 'POST',
    path: '/api/v1/trade/create',
    headers: { 'content-type': 'application/json' },
    body: bodies[0],
    setupRequest: (request) => {
      const i = n++;
      return {
        ...request,
        headers: { 'content-type': 'application/json', authorization: authorizations[i % authorizations.length]! },
        body: bodies[i % bodies.length]!,
      };
    },
  });
}

export interface OrderRun {
  load: LoadResult;
  setupMs: number;
  /** CPU of the service's processes and busy share of the machine over the measured run (null off Linux). */
  cpu: CpuWindowResult | null;
}

/** A fresh deployment: users, prices, a warm-up, then the measured run; always stopped afterwards. */
export async function orderRun(kind: 'embedded' | 'distributed', config: BenchConfig, redisUrl: string, profileDir: string | null): Promise<OrderRun> {
  const started = Date.now();
  const d = kind === 'embedded' ? await startEmbedded(profileDir) : await startDistributed(redisUrl, profileDir);
  try {
    const walk = new PriceWalk(7);
    await tickAll(d, walk);
    const tokens = await prepareUsers(d, config.users);
    await tickAll(d, walk);
    const setupMs = Date.now() - started;
    log(`${kind}: ${tokens.length} users ready in ${(setupMs / 1000).toFixed(1)} s; warm-up ${config.warmupS} s`);
    if (config.warmupS > 0) await orderLoad(d, tokens, config.connections, config.warmupS);
    const window = startCpuWindow(d.pids());
    const load = await orderLoad(d, tokens, config.connections, config.durationS);
    const cpu = window.stop();
    const perOrder = (seconds: number) => Math.round((seconds * 1e6) / load.ok);
    const cpuNote =
      cpu && load.ok > 0
        ? `; service CPU ${perOrder(cpu.serviceCpuS)} µs/order (main threads ${perOrder(cpu.mainThreadsCpuS)}), machine ${Math.round(cpu.machineBusyShare * 100)} % busy`
        : '';
    log(`${kind}: ${describeLoad(load)}${cpuNote}`);
    return { load, setupMs, cpu };
  } finally {
    await d.stop();
  }
}

/** The bare node:http server in its own process, under the same load generator and connections. */
export async function ceilingRun(config: BenchConfig, profileDir: string | null): Promise<LoadResult> {
  const child = new NodeChild('http-ceiling', join(DIST, 'bench', 'http-ceiling-server.js'), [], { profileDir });
  try {
    const [, port] = await child.waitForStdout(/listening (\d+)/, 10_000);
    const body = JSON.stringify({ symbol: 'EURUSD', type: 'BUY', quantity: 0.01, leverage: 100 });
    const options = {
      url: `http://127.0.0.1:${port}`,
      connections: config.connections,
      method: 'POST' as const,
      path: '/api/v1/trade/create',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mintToken('x'.repeat(48), '1')}` },
      body,
    };
    if (config.warmupS > 0) await runLoad({ ...options, durationS: config.warmupS });
    const load = await runLoad({ ...options, durationS: config.durationS });
    log(`http ceiling: ${describeLoad(load)}`);
    return load;
  } finally {
    await child.stop(3_000);
  }
}
