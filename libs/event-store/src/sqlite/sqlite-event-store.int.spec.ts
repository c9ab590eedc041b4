import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { waitUntil } from '../../../platform/src/testing/wait-until.js';
import { describeEventStoreContract, newEvent } from '../event-store.contract.js';
import { WrongExpectedRevisionError, type RecordedEvent } from '../event-store.port.js';
import { DuplicateEventIdError, SqliteEventStore } from './sqlite-event-store.js';

const root = mkdtempSync(join(tmpdir(), 'event-store-'));
/** A fresh file in a directory that does not exist yet, so the store has to create it. */
const freshFile = () => join(root, randomUUID(), 'events.sqlite');

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The compiled prefetch worker: specs run from the TypeScript sources, which a worker thread cannot load (`npm test` builds first). */
const PREFETCH_WORKER = pathToFileURL(
  join(resolve(fileURLToPath(new URL('../../../..', import.meta.url))), 'dist', 'libs', 'event-store', 'src', 'sqlite', 'replay-prefetch.worker.js'),
);

describeEventStoreContract(
  'SqliteEventStore',
  async () => {
    const store = new SqliteEventStore(freshFile(), { replayWorker: null });
    return { store, cleanup: () => store.close() };
  },
  { atomicMultiStream: true },
);

// Every replay read of the contract through the prefetch worker, however short.
describeEventStoreContract(
  'SqliteEventStore with its replay read ahead on a worker thread',
  async () => {
    const store = new SqliteEventStore(freshFile(), { replayWorker: PREFETCH_WORKER, replayPrefetchFrom: 0 });
    return { store, cleanup: () => store.close() };
  },
  { atomicMultiStream: true },
);

describe('a replay of a long log read ahead on a worker thread', () => {
  const PAGE = 250;
  const fill = async (store: SqliteEventStore, streams: number, perStream: number) => {
    for (let s = 0; s < streams; s++) {
      const events = Array.from({ length: perStream }, (_, i) => {
        const event = newEvent('Replayed', { n: i, text: 'Zürich "quoted" 🚀' });
        if (i % 3 === 0) event.metadata = { ...event.metadata, commandId: `cmd-${s}-${i}`, outcome: { code: 'TRADE_RETCODE_DONE', n: i } };
        return event;
      });
      await store.append(`stream-${s}`, events, 'no_stream');
    }
  };
  const replayAll = async (store: SqliteEventStore, outcomesFrom = 0) => {
    const all = [];
    let after = 0;
    for (;;) {
      const page = await store.readAllForReplay({ after, maxCount: PAGE, outcomesFrom });
      if (page.length === 0) return all;
      all.push(...page);
      after = page.at(-1)!.position;
    }
  };

  it('gives exactly what the calling thread reads itself, page by page', async () => {
    const file = freshFile();
    const direct = new SqliteEventStore(file, { replayWorker: null });
    await fill(direct, 6, 400);
    const ahead = new SqliteEventStore(file, { replayWorker: PREFETCH_WORKER, replayPrefetchFrom: 1_000 });
    const read = await replayAll(ahead, 1_200);
    expect(read).toHaveLength(2_400);
    expect(read).toEqual(await replayAll(direct, 1_200));
    expect(read.filter((e) => e.outcomeJson !== undefined).every((e) => e.position >= 1_200)).toBe(true);
    // Every page but the last, empty one came from the worker (that one is read here: appends since count).
    expect(ahead.prefetchedPages).toBe(Math.ceil(2_400 / PAGE));
    await ahead.close();
    await direct.close();
  });

  it('sees events appended while it read ahead, and pages asked out of order', async () => {
    const file = freshFile();
    const store = new SqliteEventStore(file, { replayWorker: PREFETCH_WORKER, replayPrefetchFrom: 100 });
    await fill(store, 2, 500);
    const first = await store.readAllForReplay({ after: 0, maxCount: PAGE });
    await store.append('stream-late', [newEvent('Late')], 'no_stream');
    const rest = await replayAll(store);
    expect(rest.at(-1)!.type).toBe('Late');
    expect(rest.map((e) => e.position)).toEqual(Array.from({ length: 1_001 }, (_, i) => i + 1));
    expect(first.map((e) => e.position)).toEqual(Array.from({ length: PAGE }, (_, i) => i + 1));
    // A page asked for elsewhere than where the worker reads: answered all the same.
    const jump = await store.readAllForReplay({ after: 700, maxCount: 10 });
    expect(jump.map((e) => e.position)).toEqual(Array.from({ length: 10 }, (_, i) => i + 701));
    await store.close();
  });

  it('answers overlapping reads of the same store, each with its own page', async () => {
    const file = freshFile();
    const store = new SqliteEventStore(file, { replayWorker: PREFETCH_WORKER, replayPrefetchFrom: 100 });
    await fill(store, 2, 500);
    const [a, b, c] = await Promise.all([
      store.readAllForReplay({ after: 0, maxCount: PAGE }),
      store.readAllForReplay({ after: 0, maxCount: PAGE }),
      store.readAllForReplay({ after: 600, maxCount: PAGE }),
    ]);
    const positions = (from: number) => Array.from({ length: PAGE }, (_, i) => from + i + 1);
    expect([a, b, c].map((page) => page.map((e) => e.position))).toEqual([positions(0), positions(0), positions(600)]);
    expect(await replayAll(store)).toHaveLength(1_000);
    await store.close();
  });

  it('reads on the calling thread when the worker cannot start', async () => {
    const file = freshFile();
    const broken = pathToFileURL(join(root, 'broken-worker.mjs'));
    writeFileSync(fileURLToPath(broken), "throw new Error('this worker does not start');\n");
    const store = new SqliteEventStore(file, { replayWorker: broken, replayPrefetchFrom: 1 });
    await fill(store, 2, 300);
    const read = await replayAll(store);
    expect(read.map((e) => e.position)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(store.prefetchedPages).toBe(0);
    await store.close();
  });
});

describe('SqliteEventStore on a file', () => {
  let file: string;
  const open: SqliteEventStore[] = [];
  const openStore = () => {
    const store = new SqliteEventStore(file, { pollIntervalMs: 25 });
    open.push(store);
    return store;
  };

  beforeEach(() => {
    file = freshFile();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  describe('that was closed and opened again', () => {
    it('still holds every event, and appends continue where they left off', async () => {
      const first = openStore();
      const events = [newEvent('Placed', { price: '1.10' }), newEvent('Filled', { price: '1.11' })];
      const result = await first.append('order-1', events, 'no_stream');
      await first.close();

      const reopened = openStore();

      const stored = await reopened.readStream('order-1');
      expect(stored.map((e) => [e.id, e.data])).toEqual(events.map((e) => [e.id, e.data]));
      expect(await reopened.headPosition()).toBe(result.position);
      expect((await reopened.append('order-1', [newEvent()], 1)).position).toBeGreaterThan(result.position);
    });
  });

  describe('shared by a second store instance (another process)', () => {
    it('delivers the first instance’s appends to the second instance’s subscription by polling', async () => {
      const writer = openStore();
      const reader = openStore();
      const received: RecordedEvent[] = [];
      reader.subscribeToAll({ onEvents: (events) => void received.push(...events) });

      const appended = [newEvent(), newEvent()];
      await writer.append('order-1', appended.slice(0, 1), 'no_stream');
      await writer.append('order-2', appended.slice(1), 'no_stream');
      await waitUntil(() => received.length >= 2, 'two deliveries');

      expect(received.map((e) => e.id)).toEqual(appended.map((e) => e.id));
    });

    it('delivers them at once when woken (another process announced the append), long before its next poll', async () => {
      const writer = openStore();
      const reader = new SqliteEventStore(file, { pollIntervalMs: 60_000 });
      open.push(reader);
      const received: RecordedEvent[] = [];
      reader.subscribeToAll({ onEvents: (events) => void received.push(...events) });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the subscription has read the empty log and sleeps

      const appended = newEvent();
      await writer.append('order-1', [appended], 'no_stream');
      reader.wakeSubscribers();
      await waitUntil(() => received.length >= 1, 'the woken delivery', 2_000);

      expect(received.map((e) => e.id)).toEqual([appended.id]);
    });

    it('keeps expected revisions consistent between the two writers', async () => {
      const one = openStore();
      const two = openStore();
      await one.append('order-1', [newEvent()], 'no_stream');

      await expect(two.append('order-1', [newEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await two.append('order-1', [newEvent()], 0)).lastRevision).toBe(1);
    });
  });

  describe('a group append of 1000 events in one appendMany', () => {
    const requests = (lastExpected: number | 'no_stream') =>
      Array.from({ length: 10 }, (_, i) => ({
        stream: `account-${i}`,
        expectedRevision: i === 9 ? lastExpected : ('no_stream' as const),
        events: Array.from({ length: 100 }, () => newEvent()),
      }));

    it('writes nothing when its very last request fails', async () => {
      const store = openStore();
      await expect(store.appendMany(requests(7))).rejects.toBeInstanceOf(WrongExpectedRevisionError);

      expect(await store.headPosition()).toBe(0);
      expect(await store.readAll({ maxCount: 10 })).toEqual([]);
    });

    it('writes all of them with contiguous positions when every request succeeds', async () => {
      const store = openStore();
      const results = await store.appendMany(requests('no_stream'));

      const all = await store.readAll({ maxCount: 2000 });
      expect(all).toHaveLength(1000);
      expect(all.map((e) => e.position)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(results.map((r) => r.lastRevision)).toEqual(Array(10).fill(99));
      expect(new Set(all.map((e) => e.recordedAt)).size).toBe(1);
    });
  });

  describe('an append reusing stored event ids', () => {
    it('is rejected when only some of its ids are stored', async () => {
      const store = openStore();
      const stored = newEvent();
      await store.append('order-1', [stored], 'no_stream');

      await expect(store.append('order-1', [newEvent(), stored], 0)).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.append('order-1', [stored, newEvent()], 'no_stream')).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect(await store.readStream('order-1')).toHaveLength(1);
    });

    it('is rejected when its ids are stored in another stream or at another revision', async () => {
      const store = openStore();
      const stored = newEvent();
      await store.append('order-1', [newEvent(), stored], 'no_stream');

      await expect(store.append('order-2', [stored], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.append('order-1', [stored], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.headPosition()).toBe(2);
    });

    it('is rejected when the same id appears twice in one request', async () => {
      const store = openStore();
      const event = newEvent();
      await expect(store.append('order-1', [event, event], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.headPosition()).toBe(0);
    });
  });

  describe('a subscription whose handler stops it', () => {
    it('stops without waiting for itself', async () => {
      const store = openStore();
      await store.append('order-1', [newEvent(), newEvent()], 'no_stream');
      let batches = 0;
      const subscription = store.subscribeToAll({
        batchSize: 1,
        onEvents: async () => {
          batches += 1;
          await subscription.stop();
        },
      });
      await waitUntil(() => batches > 0, 'a first batch');
      await subscription.stop();

      expect(batches).toBe(1);
    });
  });

  describe('a store with live subscriptions', () => {
    it('stops them when closed', async () => {
      const store = openStore();
      let running = false;
      store.subscribeToAll({
        onEvents: async () => {
          running = true;
          await new Promise((resolve) => setTimeout(resolve, 50));
          running = false;
        },
      });
      await store.append('order-1', [newEvent()], 'no_stream');
      await waitUntil(() => running, 'the handler to run');

      await store.close();

      expect(running).toBe(false);
    });
  });
});

/**
 * A log file as an earlier release left it: its `events` table as `columns` define it (the rest of
 * the schema as it always was), with whatever `fill` writes into it through a plain connection.
 */
function oldLog(columns: string, fill: (db: Database.Database) => void): string {
  const file = freshFile();
  mkdirSync(dirname(file), { recursive: true });
  const old = new Database(file);
  old.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
    revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL${columns},
    UNIQUE (stream, revision));
    CREATE TABLE streams (stream TEXT PRIMARY KEY, last_revision INTEGER NOT NULL, last_position INTEGER NOT NULL) WITHOUT ROWID;`);
  fill(old);
  old.close();
  return file;
}

describe('a log written before events had a command_id column', () => {
  it('gets the column filled from the metadata when opened, so its commands can be looked up', async () => {
    const outcome = { code: 'TRADE_RETCODE_DONE', accountId: 100_001 };
    // One command's two events (the last carries its outcome).
    const file = oldLog('', (old) => {
      const insert = old.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
      insert.run(randomUUID(), 'account-100001', 0, 'OrderPlaced', '{}', JSON.stringify({ commandId: 'old-command' }), '2026-01-01T00:00:00.000Z');
      insert.run(randomUUID(), 'account-100001', 1, 'BalanceChanged', '{}', JSON.stringify({ commandId: 'old-command', outcome }), '2026-01-01T00:00:00.000Z');
      old.prepare('INSERT INTO streams VALUES (?, ?, ?)').run('account-100001', 1, 2);
    });

    const store = new SqliteEventStore(file);
    expect(await store.findOutcome('old-command')).toEqual({ position: 2, outcomeJson: JSON.stringify(outcome) });
    await store.close();
    const reopened = new SqliteEventStore(file); // the migration runs once; opening again changes nothing
    expect(await reopened.findOutcome('old-command')).toEqual({ position: 2, outcomeJson: JSON.stringify(outcome) });
    await reopened.close();
    // Filled as an append fills it: only the event that carries the outcome holds the command id.
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT position FROM events WHERE command_id IS NOT NULL').pluck().all()).toEqual([2]);
    check.close();
  });
});

describe('a log written before events had a schema_version column', () => {
  it('replays the old events with the schema version of their metadata and the new ones with their column', async () => {
    const file = oldLog(', command_id TEXT', (old) => {
      old
        .prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(randomUUID(), 'account-1', 0, 'PositionClosed', '{}', JSON.stringify({ schemaVersion: 1 }), '2026-01-01T00:00:00.000Z');
      old.prepare('INSERT INTO streams VALUES (?, ?, ?)').run('account-1', 0, 1);
    });

    const store = new SqliteEventStore(file);
    const newer = newEvent('PositionClosed');
    newer.metadata = { ...newer.metadata, schemaVersion: 2 };
    await store.append('account-1', [newer], 0);
    const read = await store.readAllForReplay({ after: 0, maxCount: 10 });
    await store.close();

    expect(read.map((e) => e.schemaVersion)).toEqual([1, 2]);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT schema_version FROM events ORDER BY position').pluck().all()).toEqual([null, 2]);
    check.close();
  });
});

describe("a command's events appended to a new log", () => {
  it('index its id on the event that carries its outcome only', async () => {
    const file = freshFile();
    const store = new SqliteEventStore(file);
    const outcome = { code: 'TRADE_RETCODE_DONE' };
    const first = newEvent('OrderPlaced');
    const last = newEvent('PositionOpened');
    first.metadata = { ...first.metadata, commandId: 'cmd-9' };
    last.metadata = { ...last.metadata, commandId: 'cmd-9', outcome };
    const [result] = await store.appendMany([{ stream: 'account-1', expectedRevision: 'no_stream', events: [first, last] }]);
    expect(await store.findOutcome('cmd-9')).toEqual({ position: result!.position, outcomeJson: JSON.stringify(outcome) });
    await store.close();
    const Database = (await import('better-sqlite3')).default;
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT position FROM events WHERE command_id IS NOT NULL').pluck().all()).toEqual([result!.position]);
    check.close();
  });
});
