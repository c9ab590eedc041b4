import Database from 'better-sqlite3';
import { useWriteAheadLog } from '../../../../libs/platform/src/sqlite/write-ahead-log.js';
import type { Redis } from 'ioredis';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { state: 'proceed' } | { state: 'mismatch' } | { state: 'done'; response: StoredResponse };

/** Idempotency keys: what request a key was first used for, and the response it got. */
export interface IdempotencyStore {
  /** Binds the key to the request's fingerprint (first use wins) and says what is known of it. */
  claim(id: string, fingerprint: string, ttlMs: number): Promise<Claim>;
  complete(id: string, response: StoredResponse, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  fingerprint: string;
  response?: StoredResponse;
}

function decide(entry: Entry, fingerprint: string): Claim {
  if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
  return entry.response ? { state: 'done', response: entry.response } : { state: 'proceed' };
}

/** Embedded mode: a SQLite file in DATA_DIR, so keys outlive a restart. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly get: Database.Statement<[string, number], { entry: string }>;
  private readonly put: Database.Statement<[string, string, number]>;
  private readonly purge: Database.Statement<[number]>;
  private claims = 0;

  constructor(file: string) {
    this.db = new Database(file);
    useWriteAheadLog(this.db);
    this.db.exec('CREATE TABLE IF NOT EXISTS idempotency (id TEXT PRIMARY KEY, entry TEXT NOT NULL, expires_at INTEGER NOT NULL)');
    this.get = this.db.prepare('SELECT entry FROM idempotency WHERE id = ? AND expires_at > ?');
    this.put = this.db.prepare('INSERT OR REPLACE INTO idempotency (id, entry, expires_at) VALUES (?, ?, ?)');
    this.purge = this.db.prepare('DELETE FROM idempotency WHERE expires_at <= ?');
  }

  async claim(id: string, fingerprint: string, ttlMs: number): Promise<Claim> {
    const now = Date.now();
    if (++this.claims % 1_000 === 0) this.purge.run(now);
    const row = this.get.get(id, now);
    if (row) return decide(JSON.parse(row.entry) as Entry, fingerprint);
    this.put.run(id, JSON.stringify({ fingerprint }), now + ttlMs);
    return { state: 'proceed' };
  }

  async complete(id: string, response: StoredResponse, ttlMs: number): Promise<void> {
    const row = this.get.get(id, Date.now());
    if (!row) return;
    const entry = JSON.parse(row.entry) as Entry;
    this.put.run(id, JSON.stringify({ ...entry, response }), Date.now() + ttlMs);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Distributed mode: keys shared by every API instance. SET NX makes the first use win. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(id: string, fingerprint: string, ttlMs: number): Promise<Claim> {
    const key = `${this.prefix}idem:${id}`;
    const created = await this.redis.set(key, JSON.stringify({ fingerprint }), 'PX', ttlMs, 'NX');
    if (created === 'OK') return { state: 'proceed' };
    const text = await this.redis.get(key);
    return text ? decide(JSON.parse(text) as Entry, fingerprint) : { state: 'proceed' };
  }

  async complete(id: string, response: StoredResponse, ttlMs: number): Promise<void> {
    const key = `${this.prefix}idem:${id}`;
    const text = await this.redis.get(key);
    if (!text) return;
    await this.redis.set(key, JSON.stringify({ ...(JSON.parse(text) as Entry), response }), 'PX', ttlMs);
  }

  async close(): Promise<void> {}
}
