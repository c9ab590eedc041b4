import { jest } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { buildHistory, deposit, engineHarness, order, register, tick, type EngineHarness } from '../testing/engine-harness.js';
import { ENGINE_SNAPSHOT_VERSION, type EngineSnapshot } from './engine-snapshot.js';
import { digestEngineState } from './engine-state-digest.js';
import { ENGINE_SNAPSHOT_FILE, FileSnapshotStore } from './snapshot-store.js';

describe('an engine with snapshots over a real SQLite log', () => {
  let dir: string;
  let snapshotFile: string;
  const running: EngineHarness[] = [];
  const withSnapshots = (extra: { snapshotEvery?: number; logger?: ReturnType<typeof createLogger> } = {}) => {
    const engine = engineHarness(dir, { snapshots: new FileSnapshotStore(snapshotFile), ...extra });
    running.push(engine);
    return engine;
  };
  /** The same log folded from its first event, without any snapshot. */
  async function fullFold() {
    const engine = engineHarness(dir);
    await engine.runner.load();
    await engine.store.close();
    return engine.runner;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engine-snapshot-int-'));
    snapshotFile = join(dir, ENGINE_SNAPSHOT_FILE);
  });
  afterEach(async () => {
    for (const engine of running.splice(0)) await engine.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with a snapshot taken mid-history and events after it', () => {
    it('loads the same state as a full fold of the log, folding only the events after the snapshot', async () => {
      let engine = withSnapshots();
      await engine.start();
      const { accountA } = await buildHistory(engine);
      await engine.runner.snapshot();
      const snapshotPosition = (JSON.parse(readFileSync(snapshotFile, 'utf8')) as EngineSnapshot).position;
      // The tail: more money, a fill, a close by TP (all after the snapshot).
      await engine.ok(deposit(accountA, '1000'));
      await engine.ok(order(accountA, { volume: '0.1', takeProfit: '43000' }));
      await engine.send(tick('BTCUSD', '43100', '43110'));
      await engine.stop();
      const head = await (async () => {
        const probe = engineHarness(dir);
        const h = await probe.store.headPosition();
        await probe.store.close();
        return h;
      })();
      expect(head).toBeGreaterThan(snapshotPosition);

      engine = withSnapshots();
      let folded = 0;
      await engine.start((events) => (folded = events));
      const full = await fullFold();
      expect(folded).toBeLessThan(head);
      expect(engine.runner.position).toBe(full.position);
      expect(digestEngineState(engine.runner.engineState)).toEqual(digestEngineState(full.engineState));
      // And it goes on deciding like the full fold: the next ids, appends with the right revisions.
      await engine.send(tick('BTCUSD', '43100', '43110')); // prices are not state: a restarted engine waits for a tick
      const next = await engine.ok(order(accountA, { volume: '0.1' }));
      expect(next.outcome.orderId).toBe(full.engineState.lastIds.order + 1);
    });
  });

  describe('with a take profit armed before the snapshot', () => {
    it('fires it on the first tick after a restart from the snapshot', async () => {
      let engine = withSnapshots();
      await engine.start();
      const { outcome } = await engine.ok(register('tp@example.com'));
      await engine.send(tick('BTCUSD', '42000', '42001'));
      const opened = await engine.ok(order(outcome.accountId!, { takeProfit: '43000' }));
      await engine.stop({ snapshot: true });
      const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as EngineSnapshot;
      expect(snapshot.position).toBeGreaterThan(0);

      engine = withSnapshots();
      let folded = -1;
      await engine.start((events) => (folded = events));
      expect(folded).toBe(-1); // nothing after the snapshot: no page was folded at all
      await engine.send(tick('BTCUSD', '43000', '43001'));
      const closed = (await engine.store.readStream(`account-${outcome.accountId}`)).find((e) => e.type === 'PositionClosed');
      expect(closed?.data).toMatchObject({ orderId: opened.outcome.orderId, reason: 'TAKE_PROFIT', closePrice: '43000' });
    });
  });

  describe('with a command applied before the snapshot and delivered again after the restart', () => {
    it('answers with the first result and applies it once', async () => {
      let engine = withSnapshots();
      await engine.start();
      const { outcome } = await engine.ok(register('again@example.com'));
      await engine.send(tick('BTCUSD', '42000', '42001'));
      const command = order(outcome.accountId!);
      const first = await engine.ok(command);
      await engine.stop({ snapshot: true });

      engine = withSnapshots();
      await engine.start();
      engine.prices.update({ symbol: 'BTCUSD', bid: 4_200_000_000_000n, ask: 4_200_100_000_000n, time: Date.now() });
      const again = await engine.send(command);
      expect(again).toEqual(first);
      expect(engine.runner.engineState.positions.size).toBe(1);
    });
  });

  describe('with a snapshot of another version on disk', () => {
    it('ignores it with a warning and folds the whole log', async () => {
      let engine = withSnapshots();
      await engine.start();
      await buildHistory(engine);
      await engine.stop({ snapshot: true });
      const stored = JSON.parse(readFileSync(snapshotFile, 'utf8')) as EngineSnapshot;
      // Another release's snapshot, with a state this release would misread.
      writeFileSync(snapshotFile, JSON.stringify({ ...stored, version: ENGINE_SNAPSHOT_VERSION + 1, state: { accounts: 'elsewhere' } }));

      const logger = createLogger('test-engine');
      const warn = jest.spyOn(logger, 'warn');
      engine = withSnapshots({ logger });
      let folded = 0;
      await engine.start((events) => (folded = events));
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ problem: expect.stringContaining('version') }), expect.stringContaining('ignored'));
      const full = await fullFold();
      expect(folded).toBe(full.position);
      expect(digestEngineState(engine.runner.engineState)).toEqual(digestEngineState(full.engineState));
    });
  });

  describe('with a snapshot written by the previous release (version 1)', () => {
    it('starts from it, folding nothing, and still answers a redelivered command with its first result', async () => {
      let engine = withSnapshots();
      await engine.start();
      const { outcome } = await engine.ok(register('v1@example.com'));
      const topUp = deposit(outcome.accountId!, '250');
      const first = await engine.ok(topUp);
      await engine.stop({ snapshot: true });
      // The same snapshot as version 1 wrote it: remembered commands as [commandId, {outcome, position}] pairs.
      const { commands, ...stored } = JSON.parse(readFileSync(snapshotFile, 'utf8')) as EngineSnapshot;
      const outcomes = commands!.ids.map((id, i) => [id, { outcome: JSON.parse(commands!.outcomes[i]!) as unknown, position: commands!.positions[i] }]);
      writeFileSync(snapshotFile, JSON.stringify({ ...stored, version: 1, outcomes }));

      engine = withSnapshots();
      let folded = -1;
      await engine.start((events) => (folded = events));
      expect(folded).toBe(-1);
      const full = await fullFold();
      expect(digestEngineState(engine.runner.engineState)).toEqual(digestEngineState(full.engineState));
      const again = await engine.send(topUp);
      expect(again).toEqual(first);
      expect(engine.runner.engineState.accounts.get(outcome.accountId!)!.balance).toBe(full.engineState.accounts.get(outcome.accountId!)!.balance);
    });
  });

  describe('with a snapshot taken from another log', () => {
    it('ignores it and folds this log', async () => {
      let engine = withSnapshots();
      await engine.start();
      await engine.ok(register('first-life@example.com'));
      await engine.stop({ snapshot: true });
      const snapshot = readFileSync(snapshotFile);
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'engine-snapshot-int-'));
      snapshotFile = join(dir, ENGINE_SNAPSHOT_FILE);
      writeFileSync(snapshotFile, snapshot);

      engine = withSnapshots();
      await engine.start();
      await engine.ok(register('second-life@example.com', '1'));
      await engine.stop();
      engine = withSnapshots();
      await engine.start();
      expect([...engine.runner.engineState.users.values()].map((u) => u.email)).toEqual(['second-life@example.com']);
    });
  });

  describe('with snapshots every few events', () => {
    it('writes one once that many events were appended, replacing the file atomically', async () => {
      const engine = withSnapshots({ snapshotEvery: 5 });
      await engine.start();
      expect(existsSync(snapshotFile)).toBe(false);
      const { outcome } = await engine.ok(register('periodic@example.com')); // 3 events
      expect(existsSync(snapshotFile)).toBe(false);
      await engine.ok(deposit(outcome.accountId!, '1')); // 4
      await engine.ok(deposit(outcome.accountId!, '1')); // 5: due
      await new Promise((resolve) => setTimeout(resolve, 200));
      const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as EngineSnapshot;
      expect(snapshot.position).toBe(engine.runner.position);
      expect(snapshot.version).toBe(ENGINE_SNAPSHOT_VERSION);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });
});
