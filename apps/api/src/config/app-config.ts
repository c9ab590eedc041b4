import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type PriceFeedKind = 'simulated' | 'manual' | 'redis' | 'binance' | 'replay';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  jwtSecret: string;
  adminToken: string | null;
  priceFeed: PriceFeedKind;
  demoBalance: string;
  priceStaleMs: number;
  redisUrl: string | null;
  eventStoreUrl: string | null;
  /** How long the API waits for the engine's answer before the seed's 408. */
  commandTimeoutMs: number;
  /** Distributed mode: how many engine shards there are, which one this engine is, and the Redis key prefix. */
  engineShards: number;
  engineShard: number;
  redisPrefix: string;
  /** The engine writes a snapshot of its state after this many events (0: only at shutdown). */
  snapshotEvery: number;
  /** Embedded: at most this many inputs wait for the engine; past it commands are refused (429) and ticks coalesced. */
  engineMaxQueue: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const FEEDS: PriceFeedKind[] = ['simulated', 'manual', 'redis', 'binance', 'replay'];

/**
 * The HS256 secret: `JWT_SECRET` when set (≥ 32 bytes), else one generated on first start and kept
 * in DATA_DIR so tokens stay valid across restarts. Never a built-in constant.
 */
function jwtSecret(env: NodeJS.ProcessEnv, dataDir: string): string {
  const given = env.JWT_SECRET;
  if (given !== undefined && given !== '') {
    if (Buffer.byteLength(given) < 32) throw new ConfigError('JWT_SECRET must be at least 32 bytes; unset it to use a generated one kept in DATA_DIR');
    return given;
  }
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  // Written whole to a file of our own, then linked into place: the file appears complete or not at
  // all, and when another process on the same DATA_DIR (an API instance of the distributed
  // deployment) got there first, everyone signs with the one that won.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, secret, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(draft, 0o600);
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return secret;
}

function positiveInt(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number ≥ 1, got ${text}`);
  return value;
}

function wholeOrZero(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number ≥ 0, got ${text}`);
  return value;
}

function shardIndex(text: string, shards: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value >= Number(shards)) {
    throw new ConfigError(`ENGINE_SHARD must be between 0 and ENGINE_SHARDS − 1 (${Number(shards) - 1}), got ${text}`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true });
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a TCP port number, got ${env.PORT}`);
  const priceFeed = (env.PRICE_FEED ?? 'simulated') as PriceFeedKind;
  if (!FEEDS.includes(priceFeed)) throw new ConfigError(`PRICE_FEED must be one of ${FEEDS.join(', ')}, got ${env.PRICE_FEED}`);
  const demoBalance = env.DEMO_BALANCE ?? '10000';
  if (!/^\d+(\.\d{1,2})?$/.test(demoBalance)) throw new ConfigError(`DEMO_BALANCE must be an amount like 10000 or 2500.50, got ${demoBalance}`);
  const priceStaleMs = Number(env.PRICE_STALE_MS ?? 30_000);
  if (!Number.isFinite(priceStaleMs) || priceStaleMs <= 0) throw new ConfigError('PRICE_STALE_MS must be a positive number of milliseconds');
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    jwtSecret: jwtSecret(env, dataDir),
    adminToken: env.ADMIN_TOKEN ? env.ADMIN_TOKEN : null,
    priceFeed,
    demoBalance,
    priceStaleMs,
    redisUrl: env.REDIS_URL || null,
    eventStoreUrl: env.EVENTSTORE_URL || null,
    commandTimeoutMs: Number(env.COMMAND_TIMEOUT_MS ?? 3_000),
    engineShards: positiveInt(env.ENGINE_SHARDS ?? '1', 'ENGINE_SHARDS'),
    engineShard: shardIndex(env.ENGINE_SHARD ?? '0', env.ENGINE_SHARDS ?? '1'),
    redisPrefix: env.REDIS_PREFIX ?? 'ts:',
    snapshotEvery: wholeOrZero(env.ENGINE_SNAPSHOT_EVERY ?? '50000', 'ENGINE_SNAPSHOT_EVERY'),
    engineMaxQueue: positiveInt(env.ENGINE_MAX_QUEUE ?? '10000', 'ENGINE_MAX_QUEUE'),
  };
}
