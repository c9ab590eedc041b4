import Database from 'better-sqlite3';
import { useWriteAheadLog } from '../../../../libs/platform/src/sqlite/write-ahead-log.js';
import type { Redis } from 'ioredis';

/**
 * Signed-out sessions. A session id is remembered until the moment its token would have expired
 * anyway (after that the token fails on its own `exp`), so the store never grows past the tokens
 * still alive. Checked on every authenticated request.
 */
export interface SessionRevocations {
  /** Remembers the session as signed out until `expiresAtMs` (epoch ms). */
  revoke(sessionId: string, expiresAtMs: number): Promise<void>;
  /** Whether the session was signed out. Throws when the store cannot answer (the caller fails closed). */
  isRevoked(sessionId: string): Promise<boolean>;
  /** Calls `listener` with each session signed out from now on (on any API instance); returns how to stop. */
  onRevoked(listener: (sessionId: string) => void): () => void;
  close(): Promise<void>;
}

/** The listeners of `onRevoked`, shared by both stores. */
class RevocationListeners {
  private readonly listeners = new Set<(sessionId: string) => void>();

  add(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(sessionId: string): void {
    for (const listener of this.listeners) {
      try {
        listener(sessionId);
      } catch {
        // one listener's failure is not the sign-out's
      }
    }
  }
}

/** Sessions remembered as not signed out, per process; past it the oldest entries go first. */
const SQLITE_KNOWN_ACTIVE_MAX = 100_000;

/**
 * Embedded mode: a SQLite file in DATA_DIR, so a sign-out outlives a restart. This process is the
 * only writer (the service's pid file guards the DATA_DIR), so a session found not signed out stays
 * so until `revoke` here: that answer is remembered, sparing a query on every request.
 */
export class SqliteSessionRevocations implements SessionRevocations {
  private readonly knownActive = new Set<string>();
  private readonly db: Database.Database;
  private readonly find: Database.Statement<[string, number], { sid: string }>;
  private readonly put: Database.Statement<[string, number]>;
  private readonly purge: Database.Statement<[number]>;
  private writes = 0;
  private readonly listeners = new RevocationListeners();

  constructor(file: string) {
    this.db = new Database(file);
    useWriteAheadLog(this.db);
    this.db.pragma('synchronous = FULL');
    this.db.exec('CREATE TABLE IF NOT EXISTS revoked_sessions (sid TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
    this.find = this.db.prepare('SELECT sid FROM revoked_sessions WHERE sid = ? AND expires_at > ?');
    this.put = this.db.prepare('INSERT OR REPLACE INTO revoked_sessions (sid, expires_at) VALUES (?, ?)');
    this.purge = this.db.prepare('DELETE FROM revoked_sessions WHERE expires_at <= ?');
    this.purge.run(Date.now());
  }

  async revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    this.knownActive.delete(sessionId);
    if (++this.writes % 1_000 === 0) this.purge.run(Date.now());
    this.put.run(sessionId, Math.max(expiresAtMs, Date.now() + 1_000));
    this.listeners.notify(sessionId);
  }

  onRevoked(listener: (sessionId: string) => void): () => void {
    return this.listeners.add(listener);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (this.knownActive.has(sessionId)) return false;
    const revoked = this.find.get(sessionId, Date.now()) !== undefined;
    if (!revoked) {
      if (this.knownActive.size >= SQLITE_KNOWN_ACTIVE_MAX) this.knownActive.delete(this.knownActive.values().next().value!);
      this.knownActive.add(sessionId);
    }
    return revoked;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

interface Cached {
  revoked: boolean;
  /** Epoch ms until which the answer may be used without asking Redis. */
  until: number;
}

export interface RedisSessionRevocationsOptions {
  /** How long "not signed out" is believed without asking Redis again (pub/sub normally invalidates it sooner). */
  notRevokedTtlMs?: number;
  /** At most this many sessions are cached per instance (the oldest entries are dropped first). */
  maxCached?: number;
}

/**
 * Distributed mode: one key per signed-out session, `{prefix}session:revoked:{sid}`, expiring with the
 * token, shared by every API instance. Each instance caches answers:
 * - "signed out" until the token's expiry (a session never comes back);
 * - "not signed out" for at most `notRevokedTtlMs` (1 s), and a sign-out on any instance is
 *   published on `{prefix}session:revoked`, which every instance applies to its cache at once. After
 *   its subscriber reconnects (messages may have been missed), an instance forgets every cached
 *   "not signed out" answer.
 * So a hot session costs about one Redis round trip per second per instance, and a sign-out is seen
 * everywhere within a pub/sub delivery (at worst within the TTL).
 */
export class RedisSessionRevocations implements SessionRevocations {
  private readonly cache = new Map<string, Cached>();
  private readonly notRevokedTtlMs: number;
  private readonly maxCached: number;
  private readonly channel: string;
  private readonly listeners = new RevocationListeners();

  constructor(
    private readonly redis: Redis,
    /** A connection of its own for SUBSCRIBE (a subscribed connection runs no other commands). */
    private readonly subscriber: Redis,
    private readonly prefix: string,
    options: RedisSessionRevocationsOptions = {},
  ) {
    this.notRevokedTtlMs = options.notRevokedTtlMs ?? 1_000;
    this.maxCached = options.maxCached ?? 100_000;
    this.channel = `${prefix}session:revoked`;
  }

  /** Subscribes to sign-outs announced by the other instances. */
  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const [sid, expires] = message.split(' ');
      if (!sid) return;
      this.remember(sid, { revoked: true, until: Number(expires) || Date.now() + 24 * 3600_000 });
      this.listeners.notify(sid);
    });
    // ioredis resubscribes after a reconnect; what was published meanwhile is unknown: ask Redis again.
    this.subscriber.on('ready', () => this.forgetNotRevoked());
    await this.subscriber.subscribe(this.channel);
  }

  private key(sessionId: string): string {
    return `${this.prefix}session:revoked:${sessionId}`;
  }

  async revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    const ttl = Math.max(1_000, expiresAtMs - Date.now());
    await this.redis.multi().set(this.key(sessionId), '1', 'PX', ttl).publish(this.channel, `${sessionId} ${Date.now() + ttl}`).exec();
    // This instance's own listeners hear it from the channel too (it is subscribed), once.
    this.remember(sessionId, { revoked: true, until: Date.now() + ttl });
  }

  onRevoked(listener: (sessionId: string) => void): () => void {
    return this.listeners.add(listener);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.cache.get(sessionId);
    if (cached && cached.until > now) return cached.revoked;
    const ttl = await this.redis.pttl(this.key(sessionId));
    // A sign-out announced while the question was on its way wins over the (older) answer.
    const meanwhile = this.cache.get(sessionId);
    if (meanwhile?.revoked && meanwhile.until > Date.now()) return true;
    // -2: no such key (not signed out); -1: a key without expiry (never written so, but treat as signed out).
    const revoked = ttl !== -2;
    this.remember(sessionId, revoked ? { revoked, until: now + (ttl > 0 ? ttl : 24 * 3600_000) } : { revoked, until: now + this.notRevokedTtlMs });
    return revoked;
  }

  private remember(sessionId: string, entry: Cached): void {
    this.cache.delete(sessionId);
    if (this.cache.size >= this.maxCached) {
      // Map iteration is insertion order: drop the oldest tenth.
      let drop = Math.ceil(this.maxCached / 10);
      for (const key of this.cache.keys()) {
        this.cache.delete(key);
        if (--drop === 0) break;
      }
    }
    this.cache.set(sessionId, entry);
  }

  private forgetNotRevoked(): void {
    for (const [key, entry] of this.cache) if (!entry.revoked) this.cache.delete(key);
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }
}
