import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { useWriteAheadLog } from '../../../platform/src/sqlite/write-ahead-log.js';
import {
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadForReplayOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type ReplayedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import { decodeReplayPage, REPLAY_PAGE_SQL, type ReplayPageQuery, type ReplayPageRow } from './replay-page.js';
import { ReplayPrefetcher } from './replay-prefetcher.js';

export interface SqliteEventStoreOptions {
  /** How often an idle subscription re-reads the file, to see appends made by other connections. */
  pollIntervalMs?: number;
  /** How long a statement waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /**
   * The compiled replay-prefetch.worker.js that reads a long replay's pages on another thread; null
   * reads every page on the calling thread. Default: the one built beside this file, when there
   * (not when this runs from its TypeScript sources, as in the specs).
   */
  replayWorker?: URL | null;
  /** How many events a replay must have ahead of it for the worker to read them (default PREFETCH_MIN_EVENTS). */
  replayPrefetchFrom?: number;
}

/** A replay this long is worth a thread of its own (starting one costs a few dozen milliseconds). */
export const PREFETCH_MIN_EVENTS = 20_000;

function builtReplayWorker(): URL | null {
  const script = new URL('./replay-prefetch.worker.js', import.meta.url);
  return existsSync(fileURLToPath(script)) ? script : null;
}

/** Event ids of a request are already stored, but not exactly where the request would put them. */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly stream: string,
    readonly eventId: string,
    detail: string,
  ) {
    super(`Stream ${stream}: event id ${eventId} is already stored ${detail}; the append is not a retry of it`);
    this.name = 'DuplicateEventIdError';
  }
}

interface EventRow {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface StreamRow {
  last_revision: number;
  last_position: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT    NOT NULL UNIQUE,
    stream      TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    command_id  TEXT,
    UNIQUE (stream, revision)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream        TEXT    PRIMARY KEY,
    last_revision INTEGER NOT NULL,
    last_position INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

/**
 * A command's outcome-carrying event by its id, so a command sent again long after the engine's
 * dedup window forgot it (a retried Idempotency-Key) is answered from the log instead of being
 * applied twice. The id is
 * a column of its own (an index on the metadata's JSON cost a tenth of the order rate); a log
 * written before it existed gets the column once, filled from the metadata.
 */
const hasColumn = (db: Database.Database, name: string) =>
  db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')").all().some((c) => c.name === name);

function addCommandIds(db: Database.Database): void {
  if (!hasColumn(db, 'command_id')) {
    // Under the write lock, asked again: another process opening the same file may have done it.
    db.transaction(() => {
      if (hasColumn(db, 'command_id')) return;
      db.exec('ALTER TABLE events ADD COLUMN command_id TEXT');
      // Filled as an append fills it: only on the event that carries its command's outcome.
      db.exec("UPDATE events SET command_id = metadata ->> '$.commandId' WHERE json_type(metadata, '$.commandId') = 'text' AND json_type(metadata, '$.outcome') IS NOT NULL");
    }).immediate();
  }
  db.exec('CREATE INDEX IF NOT EXISTS events_by_command ON events (command_id) WHERE command_id IS NOT NULL');
}

/**
 * The metadata's schema version in a column of its own, so a replay reads it without SQLite parsing
 * every event's metadata (that parse cost more than reading the rest of the row). Events appended
 * before the column existed keep it empty and are read from their metadata instead: opening an old
 * log rewrites nothing.
 */
function addSchemaVersions(db: Database.Database): void {
  if (hasColumn(db, 'schema_version')) return;
  db.transaction(() => {
    if (!hasColumn(db, 'schema_version')) db.exec('ALTER TABLE events ADD COLUMN schema_version INTEGER');
  }).immediate();
}

const COLUMNS = 'position, event_id, stream, revision, type, data, metadata, recorded_at';

/**
 * An event a replay takes a command outcome from (a text `commandId` and an object `outcome`), as
 * ReplayedEvent defines them; `instr` first, a cheap test that spares parsing metadata without one.
 */
const CARRIES_OUTCOME = `instr(metadata, '"outcome"') > 0 AND json_type(metadata, '$.outcome') = 'object' AND json_type(metadata, '$.commandId') = 'text'`;
const DEFAULT_BATCH_SIZE = 500;

/**
 * The embedded event log: one SQLite file in WAL mode. Writes are serialised by SQLite, so positions
 * become visible in increasing order and a reader never sees a gap filled in later.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly sql;
  private readonly appendTransaction;
  private readonly replayWorker: URL | null;
  private readonly replayPrefetchFrom: number;
  private prefetcher?: ReplayPrefetcher;
  private pagesPrefetched = 0;

  constructor(
    private readonly filePath: string,
    options: SqliteEventStoreOptions = {},
  ) {
    if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
    this.replayWorker = filePath === ':memory:' ? null : options.replayWorker === undefined ? builtReplayWorker() : options.replayWorker;
    this.replayPrefetchFrom = options.replayPrefetchFrom ?? PREFETCH_MIN_EVENTS;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.db = new Database(filePath, { timeout: options.busyTimeoutMs ?? 5_000 });
    useWriteAheadLog(this.db);
    // Durability is the promise: every commit is fsynced; callers batch events into one appendMany.
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    addCommandIds(this.db);
    addSchemaVersions(this.db);
    this.sql = {
      insert: this.db.prepare<[string, string, number, string, string, string, string, string | null, number | null]>(
        `INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at, command_id, schema_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertStream: this.db.prepare<[string, number, number]>(
        `INSERT INTO streams (stream, last_revision, last_position) VALUES (?, ?, ?)
         ON CONFLICT (stream) DO UPDATE
         SET last_revision = excluded.last_revision, last_position = excluded.last_position`,
      ),
      stream: this.db.prepare<[string], StreamRow>('SELECT last_revision, last_position FROM streams WHERE stream = ?'),
      eventById: this.db.prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE event_id = ?`),
      readStream: this.db.prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      ),
      readAll: this.db.prepare<[number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      ),
      readAllForReplay: this.db.prepare<[ReplayPageQuery], ReplayPageRow>(REPLAY_PAGE_SQL).raw(true),
      nthLastOutcome: this.db
        .prepare<[number, number], number>(`SELECT position FROM events WHERE position > ? AND ${CARRIES_OUTCOME} ORDER BY position DESC LIMIT 1 OFFSET ?`)
        .pluck(),
      head: this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
      outcomeOf: this.db
        .prepare<[string], [number, string | null]>(
          `SELECT position, CASE WHEN json_type(metadata, '$.outcome') = 'object' THEN metadata -> '$.outcome' END
           FROM events WHERE command_id = ? ORDER BY position DESC LIMIT 1`,
        )
        .raw(true),
    };
    this.appendTransaction = this.db.transaction((requests: AppendRequest[], recordedAt: string) =>
      requests.map((request) => this.appendOne(request, recordedAt)),
    );
  }

  async appendMany(requests: AppendRequest[]): Promise<AppendResult[]> {
    // IMMEDIATE takes the write lock up front, so two connections never deadlock upgrading a read lock.
    const results = this.appendTransaction.immediate(requests, new Date().toISOString());
    // Woken one microtask later, so the appender's continuation (its reply) runs before subscribers read.
    if (this.subscriptions.size > 0) queueMicrotask(() => this.wakeSubscribers());
    return results;
  }

  /** The log grew (by this connection, or another one on the same file): this connection's subscriptions read on now. */
  wakeSubscribers(): void {
    for (const subscription of this.subscriptions) subscription.wake();
  }

  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.appendMany([{ stream, events, expectedRevision }]).then(([result]) => result);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.sql.readStream.all(stream, options.fromRevision ?? 0, options.maxCount ?? -1).map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.sql.readAll.all(options.after ?? 0, options.maxCount).map(toRecorded);
  }

  /** Replay pages the prefetch worker read (the others were read on the calling thread). */
  get prefetchedPages(): number {
    return this.pagesPrefetched;
  }

  async readAllForReplay(options: ReadForReplayOptions): Promise<ReplayedEvent[]> {
    const query: ReplayPageQuery = { after: options.after ?? 0, limit: options.maxCount, outcomesFrom: options.outcomesFrom ?? 0 };
    const prefetched = await this.prefetched(query);
    return decodeReplayPage(prefetched ?? this.sql.readAllForReplay.get(query)?.[1]);
  }

  /**
   * The page from the prefetch worker, when a long replay has one reading ahead: a replay of more
   * than `replayPrefetchFrom` events starts it. Undefined: read the page here.
   */
  private async prefetched(query: ReplayPageQuery): Promise<string | undefined> {
    if (this.prefetcher?.ended) this.prefetcher = undefined;
    if (!this.prefetcher) {
      if (!this.replayWorker || (this.sql.head.get() ?? 0) - query.after < this.replayPrefetchFrom) return undefined;
      this.prefetcher = new ReplayPrefetcher(this.replayWorker, this.filePath, query);
    }
    // Its own reference: an overlapping read may replace the store's while this one waits.
    const prefetcher = this.prefetcher;
    const page = await prefetcher.next(query);
    if (page === undefined) {
      void prefetcher.stop();
      if (this.prefetcher === prefetcher) this.prefetcher = undefined;
    } else this.pagesPrefetched++;
    return page;
  }

  async outcomesStart(after: number, count: number): Promise<number> {
    // Positions only grow, so fewer than `count` positions after `after` hold fewer than `count` outcomes.
    if (count <= 0 || (this.sql.head.get() ?? 0) - after <= count) return after;
    return this.sql.nthLastOutcome.get(after, count - 1) ?? after;
  }

  async headPosition(): Promise<number> {
    return this.sql.head.get() ?? 0;
  }

  readonly findsOutcomes = true;

  async findOutcome(commandId: string): Promise<{ position: number; outcomeJson: string } | undefined> {
    const row = this.sql.outcomeOf.get(commandId);
    return row && row[1] !== null ? { position: row[0], outcomeJson: row[1] } : undefined;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = new SqliteSubscription(
      (after, limit) => this.sql.readAll.all(after, limit),
      options,
      this.pollIntervalMs,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await this.prefetcher?.stop();
    this.prefetcher = undefined;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (this.db.open) this.db.close();
  }

  /** Runs inside the transaction; throwing rolls back the whole appendMany. */
  private appendOne(request: AppendRequest, recordedAt: string): AppendResult {
    const { stream, events, expectedRevision } = request;
    const current = this.sql.stream.get(stream);
    if (events.length > 0) {
      const stored = this.sql.eventById.get(events[0].id);
      if (stored) return this.alreadyAppended(request, stored);
    }
    checkExpectedRevision(stream, expectedRevision, current?.last_revision);

    let revision = current?.last_revision ?? -1;
    let position = current?.last_position ?? 0;
    for (const event of events) {
      revision += 1;
      try {
        const { lastInsertRowid } = this.sql.insert.run(
          event.id,
          stream,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          recordedAt,
          // Only the event that carries its command's outcome is indexed: findOutcome asks for no other.
          typeof event.metadata.commandId === 'string' && event.metadata.outcome !== undefined ? event.metadata.commandId : null,
          typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : null,
        );
        position = Number(lastInsertRowid);
      } catch (error) {
        // The first id was new, so a clash on an id means the request overlaps events stored before
        // (or repeats an id). Asked of the table, not of the error text, which SQLite words differently.
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && this.sql.eventById.get(event.id)) {
          throw new DuplicateEventIdError(stream, event.id, 'by an earlier append or twice in this request');
        }
        throw error;
      }
    }
    if (events.length > 0) this.sql.upsertStream.run(stream, revision, position);
    return { stream, lastRevision: revision, position };
  }

  /**
   * A retry of a stored append (same ids, same stream, consecutive, where the request would put them)
   * is a no-op returning the original result; any other overlap is an error, never a silent merge.
   */
  private alreadyAppended(request: AppendRequest, first: EventRow): AppendResult {
    const { stream, events, expectedRevision } = request;
    if (first.stream !== stream) {
      throw new DuplicateEventIdError(stream, first.event_id, `in stream ${first.stream}`);
    }
    const stored = this.sql.readStream.all(stream, first.revision, events.length);
    const mismatch = events.findIndex((event, i) => stored[i]?.event_id !== event.id);
    if (mismatch !== -1) {
      throw new DuplicateEventIdError(stream, first.event_id, 'but the rest of the request does not follow it');
    }
    // `any` and `stream_exists` name no place, so wherever the events are is where they would go.
    const expectedFirst =
      expectedRevision === 'no_stream' ? 0
      : typeof expectedRevision === 'number' ? expectedRevision + 1
      : first.revision;
    if (expectedFirst !== first.revision) {
      throw new DuplicateEventIdError(stream, first.event_id, `at revision ${first.revision}, not ${expectedFirst}`);
    }
    const last = stored[events.length - 1];
    return { stream, lastRevision: last.revision, position: last.position };
  }
}

function checkExpectedRevision(stream: string, expected: ExpectedRevision, current: number | undefined): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    expected === current;
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no_stream');
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as RecordedEvent['data'],
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    recordedAt: row.recorded_at,
  };
}

/** Tells `stop()` that it was called by the subscription's own handler, which it must not wait for. */
const runningHandler = new AsyncLocalStorage<SqliteSubscription>();

/**
 * Reads the log after its checkpoint in batches, hands each batch to the handler and waits for it,
 * then sleeps until woken by an append of this store or the poll interval elapses (appends by
 * other connections to the same file). The checkpoint only moves forward, so nothing is delivered twice.
 */
class SqliteSubscription implements Subscription {
  private stopped = false;
  private wakeUp?: () => void;
  private readonly done: Promise<void>;

  constructor(
    private readonly readAfter: (after: number, limit: number) => EventRow[],
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number,
    private readonly onFinished: () => void,
  ) {
    // Start on a later tick so the caller holds the Subscription before the first batch arrives.
    this.done = Promise.resolve().then(() => this.run());
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    if (runningHandler.getStore() === this) return;
    await this.done;
  }

  private async run(): Promise<void> {
    const { streamPrefixes, batchSize = DEFAULT_BATCH_SIZE } = this.options;
    let after = this.options.after ?? 0;
    try {
      while (!this.stopped) {
        const rows = this.readAfter(after, batchSize);
        if (rows.length === 0) {
          await this.sleep();
          continue;
        }
        // Filtered-out events still move the checkpoint, so they are not read again.
        after = rows[rows.length - 1].position;
        const wanted = streamPrefixes
          ? rows.filter((row) => streamPrefixes.some((prefix) => row.stream.startsWith(prefix)))
          : rows;
        const events = wanted.map(toRecorded);
        if (events.length > 0) await runningHandler.run(this, () => this.options.onEvents(events));
      }
    } catch (error) {
      this.stopped = true;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (this.options.onError) this.options.onError(failure);
      else process.emitWarning(failure, 'SubscriptionStopped');
    } finally {
      this.onFinished();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), this.pollIntervalMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }
}
