import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../libs/event-store/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { SqliteReadModelStore } from '../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import type { EngineSnapshot } from '../../engine/src/snapshots/engine-snapshot.js';
import { ENGINE_SNAPSHOT_FILE, FileSnapshotStore } from '../../engine/src/snapshots/snapshot-store.js';
import { buildHistory, deposit, engineHarness, tick } from '../../engine/src/testing/engine-harness.js';
import { Projector } from '../../projector/src/projector.js';
import { rebuildReadModels } from './rebuild/rebuild-read-models.js';
import { formatDifference } from './verify/difference.js';
import { dumpSqliteReadModels } from './verify/read-model-dump.js';
import { runVerify } from './verify/run-verify.js';

/** Changes one JSON document of a read-model table, as someone editing the file by hand would. */
function tamper(file: string, table: string, keyColumn: string, key: number, change: (doc: Record<string, unknown>) => void): void {
  const db = new Database(file);
  const doc = JSON.parse(db.prepare<[number], string>(`SELECT doc FROM ${table} WHERE ${keyColumn} = ?`).pluck().get(key)!) as Record<string, unknown>;
  change(doc);
  db.prepare(`UPDATE ${table} SET doc = ? WHERE ${keyColumn} = ?`).run(JSON.stringify(doc), key);
  db.close();
}

describe('a log with a trading history, its live read models and an engine snapshot', () => {
  let dir: string;
  let liveFile: string;
  let snapshotFile: string;
  let accounts: Awaited<ReturnType<typeof buildHistory>>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tools-int-'));
    liveFile = join(dir, 'read-models.sqlite');
    snapshotFile = join(dir, ENGINE_SNAPSHOT_FILE);
    // The engine writes the log (and a snapshot midway); the projector keeps the live read models, as in the service.
    const engine = engineHarness(dir, { snapshots: new FileSnapshotStore(snapshotFile) });
    await engine.start();
    accounts = await buildHistory(engine);
    await engine.runner.snapshot();
    await engine.ok(deposit(accounts.accountA, '42.42'));
    await engine.send(tick('BTCUSD', '43100', '43110')); // the TP armed before the snapshot fires after it
    await engine.stop();
    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    const live = new SqliteReadModelStore(liveFile);
    const projector = new Projector(events, live, () => undefined, createLogger('test-projector'));
    for (let after = 0; ; ) {
      const page = await events.readAll({ after, maxCount: 7 });
      if (page.length === 0) break;
      await projector.applyBatch(page);
      after = page[page.length - 1]!.position;
    }
    await live.close();
    await events.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function verify() {
    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    try {
      return await runVerify({ events, readModelsFile: liveFile, snapshotFile, batchSize: 10 });
    } finally {
      await events.close();
    }
  }

  describe('rebuilt from the log into an empty store', () => {
    it('gives read models identical to the live ones, and the same again when run twice', async () => {
      const events = new SqliteEventStore(join(dir, 'events.sqlite'));
      const rebuiltFile = join(dir, 'rebuilt.sqlite');
      const rebuilt = new SqliteReadModelStore(rebuiltFile);
      const progress: number[] = [];
      const first = await rebuildReadModels(events, rebuilt, { batchSize: 5, onProgress: (count) => progress.push(count) });
      const once = dumpSqliteReadModels(rebuiltFile);
      const second = await rebuildReadModels(events, rebuilt, { batchSize: 1_000 });
      const twice = dumpSqliteReadModels(rebuiltFile);
      await rebuilt.close();
      await events.close();

      const live = dumpSqliteReadModels(liveFile);
      expect(once).toEqual(live);
      expect(twice).toEqual(live);
      expect(first).toEqual(second);
      expect(first.position).toBe(live.checkpoint);
      expect(progress[progress.length - 1]).toBe(first.events);
      expect(progress.length).toBeGreaterThan(1);
      expect(Object.keys(live.tables)).toEqual(expect.arrayContaining(['users', 'accounts', 'open_orders', 'pending_orders', 'closed_orders', 'groups']));
    });
  });

  describe('verified untouched', () => {
    it('finds no difference and checks the snapshot', async () => {
      const report = await verify();
      expect(report.differences.map(formatDifference)).toEqual([]);
      expect(report.accounts).toBe(2);
      expect(report.notes.join('\n')).toMatch(/engine snapshot .*: position \d+/);
    });
  });

  describe('verified after read-model rows were changed by hand', () => {
    it('reports every change against the log, the engine state and the money', async () => {
      tamper(liveFile, 'accounts', 'account_id', accounts.accountA, (doc) => (doc.balance = '1000000'));
      tamper(liveFile, 'accounts', 'account_id', accounts.accountB, (doc) => (doc.margin = '1'));
      tamper(liveFile, 'pending_orders', 'order_id', accounts.resting, (doc) => (doc.price = '1'));
      const db = new Database(liveFile);
      db.prepare('DELETE FROM groups').run();
      db.close();

      const lines = (await verify()).differences.map(formatDifference);
      expect(lines).toEqual(
        expect.arrayContaining([
          `[read-models] accounts ${accounts.accountA} .balance: read model "1000000", log (fresh projection) "10289.92"`,
          expect.stringMatching(new RegExp(`^\\[engine\\] accounts ${accounts.accountA} \\.balance: read model "1000000"`)),
          expect.stringMatching(new RegExp(`^\\[money\\] accounts ${accounts.accountA} \\.balance: the read model shows the balance 1000000, but deposits`)),
          expect.stringMatching(new RegExp(`^\\[read-models\\] accounts ${accounts.accountB} \\.margin: read model "1"`)),
          expect.stringMatching(new RegExp(`^\\[engine\\] pending orders ${accounts.resting} \\.price: read model "1", engine state \\(log\\) "40500"`)),
          '[read-models] groups vip: missing: the read model has no such row',
          '[engine] groups vip: missing: the read model has no such row',
        ]),
      );
    });
  });

  describe('verified with read models that stopped before the end of the log', () => {
    it('reports that the checkpoint is behind the head of the log', async () => {
      const db = new Database(liveFile);
      db.prepare('UPDATE checkpoint SET position = position - 1').run();
      db.close();
      const { differences } = await verify();
      expect(differences).toEqual(expect.arrayContaining([expect.objectContaining({ area: 'checkpoint', kind: 'read-models' })]));
    });
  });

  describe('verified with a snapshot that disagrees with the log', () => {
    it('reports the snapshot state that differs from the full fold', async () => {
      const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as EngineSnapshot;
      // Margin only moves by what events add and release, so the events after the snapshot keep the error.
      snapshot.state.accounts[0]!.margin = '1';
      writeFileSync(snapshotFile, JSON.stringify(snapshot));
      const { differences } = await verify();
      expect(differences.map(formatDifference)).toEqual([
        expect.stringMatching(/^\[snapshot\] accounts 100001 \.margin: snapshot \+ events after it "1", full fold of the log "\d/),
      ]);
    });
  });

  describe('verified without read models', () => {
    it('says they are missing', async () => {
      rmSync(liveFile);
      const { differences } = await verify();
      expect(differences.map(formatDifference)).toContain(`[read-models] read models ${liveFile}: missing: there is no read-model file (run \`npm run rebuild\`)`);
    });
  });
});
