/**
 * An event written by an older release still replays: a `BalanceChanged` of schema version 0 (the
 * shape before deposits and withdrawals had a `kind`, and when the comment was called `note`) is
 * stored in a real log; with its v0 → v1 upcaster registered, the engine, the projection and the
 * audit trail all read it in the current shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_SCHEMA_VERSION, parseFixed, registerUpcaster, upcast } from '../../../libs/domain/src/index.js';
import { SqliteEventStore } from '../../../libs/event-store/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { SqliteReadModelStore } from '../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { auditRow } from '../../api/src/audit/audit.service.js';
import { Projector } from '../../projector/src/projector.js';
import { engineHarness, NOW, register } from './testing/engine-harness.js';

/** BalanceChanged v0: `{accountId, amount, balance, note, at}`. */
const balanceChangedV0toV1 = (data: Record<string, unknown>): Record<string, unknown> => ({
  accountId: data.accountId,
  kind: String(data.amount).startsWith('-') ? 'WITHDRAWAL' : 'DEPOSIT',
  amount: data.amount,
  balance: data.balance,
  comment: data.note ?? '',
  changedAt: data.at,
});

const V0_WITHDRAWAL = { accountId: 100_001, amount: '-2500.25', balance: '7499.75', note: 'written by release 0.0.9', at: '2026-03-03T10:31:00.000Z' };

describe('a log holding an event of an older schema version', () => {
  let dir: string;
  let unregister: () => void;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'upcasting-int-'));
    unregister = registerUpcaster('BalanceChanged', 0, balanceChangedV0toV1);
    const engine = engineHarness(dir);
    await engine.start();
    await engine.ok(register('old@example.com'));
    await engine.stop();
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await store.append(
      'account-100001',
      [
        {
          id: '00000000-0000-4000-8000-000000000009',
          type: 'BalanceChanged',
          data: V0_WITHDRAWAL,
          metadata: { timestamp: new Date(NOW + 60_000).toISOString(), correlationId: 'old-release', causationId: 'old-release', schemaVersion: 0 },
        },
      ],
      1,
    );
    await store.close();
  });
  afterEach(() => {
    unregister();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is lifted to the current shape by the registered upcaster', () => {
    expect(EVENT_SCHEMA_VERSION.BalanceChanged).toBe(1);
    expect(upcast('BalanceChanged', V0_WITHDRAWAL, 0)).toEqual({
      type: 'BalanceChanged',
      data: { accountId: 100_001, kind: 'WITHDRAWAL', amount: '-2500.25', balance: '7499.75', comment: 'written by release 0.0.9', changedAt: '2026-03-03T10:31:00.000Z' },
    });
  });

  it('replays into the engine state after a restart', async () => {
    const engine = engineHarness(dir);
    await engine.start();
    expect(engine.runner.engineState.accounts.get(100_001)?.balance).toBe(parseFixed('7499.75'));
    await engine.stop();
  });

  it('projects into the read models and shows in the audit trail in the current shape', async () => {
    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    const readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
    await new Projector(events, readModels, () => undefined, createLogger('test-projector')).applyBatch(await events.readAll({ maxCount: 100 }));
    expect((await readModels.account(100_001))?.balance).toBe('7499.75');
    const [old] = await events.readStream('account-100001', { fromRevision: 2 });
    expect(auditRow(old!).data).toMatchObject({ kind: 'WITHDRAWAL', comment: 'written by release 0.0.9' });
    await readModels.close();
    await events.close();
  });

  describe('without its upcaster', () => {
    it('fails loudly instead of misreading it', () => {
      unregister();
      expect(() => upcast('BalanceChanged', V0_WITHDRAWAL, 0)).toThrow('No upcaster for BalanceChanged v0');
    });
  });
});
