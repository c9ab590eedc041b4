import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolve, initialState, parseFixed, upcast, type EngineState } from '../../../../libs/domain/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { SqliteReadModelStore } from '../../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { engineStateFromJson, snapshotProblem, type EngineSnapshot } from '../../../engine/src/snapshots/engine-snapshot.js';
import { digestEngineState, type EngineStateDigest } from '../../../engine/src/snapshots/engine-state-digest.js';
import { Projector } from '../../../projector/src/projector.js';
import { compareEngineWithReadModels } from './compare-engine-state.js';
import { compareReadModels } from './compare-read-models.js';
import { diffDocuments, type Difference } from './difference.js';
import { MoneyLedger } from './money-conservation.js';
import { dumpedAccounts, dumpSqliteReadModels, type ReadModelDump } from './read-model-dump.js';

export interface VerifyInput {
  events: EventStore;
  /** The live read models (the embedded service's SQLite file). */
  readModelsFile: string;
  /** The engine snapshot, checked when the file exists. */
  snapshotFile?: string;
  batchSize?: number;
  onProgress?(events: number, position: number, head: number): void;
}

export interface VerifyReport {
  events: number;
  head: number;
  users: number;
  accounts: number;
  positions: number;
  /** What was checked, in plain words (including a snapshot that was not usable). */
  notes: string[];
  differences: Difference[];
}

interface SnapshotUnderTest {
  snapshot: EngineSnapshot;
  state: EngineState;
  revisions: Map<string, number>;
  /** Id of the log's event at the snapshot's position, once the pass reached it. */
  eventIdAtPosition?: string;
}

/** A digest with its collections keyed by id, so a difference names the row instead of an array index. */
function comparable(d: EngineStateDigest) {
  const by = <T>(rows: T[], key: (row: T) => string | number) => Object.fromEntries(rows.map((row) => [String(key(row)), row]));
  return {
    users: by(d.users, (u) => u.userId),
    usersByEmail: Object.fromEntries(d.usersByEmail),
    accounts: by(d.accounts, (a) => a.accountId),
    positions: by(d.positions, (p) => p.orderId),
    orders: by(d.orders, (o) => o.orderId),
    groups: by(d.groups, (g) => g.name),
    triggers: d.triggers,
    expiries: { ids: d.expiries },
    lastIds: d.lastIds,
    idSpace: d.idSpace,
  };
}

function readSnapshot(file: string | undefined, notes: string[]): SnapshotUnderTest | undefined {
  if (!file || !existsSync(file)) {
    notes.push('engine snapshot: none');
    return undefined;
  }
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    notes.push(`engine snapshot ${file}: unreadable (${(error as Error).message}); the engine ignores it and folds the whole log`);
    return undefined;
  }
  const idSpace = (stored as Partial<EngineSnapshot>)?.state?.idSpace ?? { shard: 0, shards: 1 };
  const problem = snapshotProblem(stored, idSpace);
  if (problem) {
    notes.push(`engine snapshot ${file}: ignored by the engine (${problem})`);
    return undefined;
  }
  const snapshot = stored as EngineSnapshot;
  let state: EngineState;
  try {
    state = engineStateFromJson(snapshot.state);
  } catch (error) {
    notes.push(`engine snapshot ${file}: ignored by the engine (${(error as Error).message})`);
    return undefined;
  }
  notes.push(`engine snapshot ${file}: position ${snapshot.position}, taken ${snapshot.takenAt}`);
  return { snapshot, state, revisions: new Map(snapshot.revisions) };
}

/**
 * One pass over the whole log feeds four checks: the engine state (the engine's own upcast and
 * evolve), a fresh projection into a temporary read-model store (the projector's own code), the
 * money ledger of every account, and the engine snapshot folded forward from its position. Then
 * the live read models are compared with the fresh projection and with the engine state, balances
 * with the ledger, and the snapshot with the full fold.
 */
export async function runVerify(input: VerifyInput): Promise<VerifyReport> {
  const notes: string[] = [];
  const differences: Difference[] = [];
  const head = await input.events.headPosition();
  const state = initialState();
  const revisions = new Map<string, number>();
  const ledger = new MoneyLedger();
  const underTest = readSnapshot(input.snapshotFile, notes);
  if (underTest && underTest.snapshot.position > head) {
    differences.push({ kind: 'snapshot', area: 'snapshot', key: 'position', note: `the snapshot is at position ${underTest.snapshot.position}, beyond the end of the log (${head})` });
  }

  const scratch = mkdtempSync(join(tmpdir(), 'tradestream-verify-'));
  const fresh = new SqliteReadModelStore(join(scratch, 'read-models.sqlite'));
  let expected: ReadModelDump;
  let count = 0;
  try {
    const projector = new Projector(input.events, fresh, () => undefined, createLogger('verify'));
    let position = 0;
    for (;;) {
      const page = await input.events.readAll({ after: position, maxCount: input.batchSize ?? 5_000 });
      if (page.length === 0) break;
      for (const recorded of page) {
        const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
        if (event) {
          evolve(state, event);
          ledger.apply(event, recorded.revision);
        }
        revisions.set(recorded.stream, recorded.revision);
        if (underTest) {
          if (recorded.position === underTest.snapshot.position) underTest.eventIdAtPosition = recorded.id;
          if (recorded.position > underTest.snapshot.position) {
            if (event) evolve(underTest.state, event);
            underTest.revisions.set(recorded.stream, recorded.revision);
          }
        }
      }
      await projector.applyBatch(page);
      position = page[page.length - 1]!.position;
      count += page.length;
      input.onProgress?.(count, position, head);
    }
    await fresh.close();
    expected = dumpSqliteReadModels(join(scratch, 'read-models.sqlite'));
  } finally {
    await fresh.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  let live: ReadModelDump | undefined;
  if (existsSync(input.readModelsFile)) {
    live = dumpSqliteReadModels(input.readModelsFile);
    notes.push(`read models ${input.readModelsFile}: checkpoint ${live.checkpoint}`);
    differences.push(...compareReadModels(expected, live), ...compareEngineWithReadModels(state, live));
  } else {
    differences.push({ kind: 'read-models', area: 'read models', key: input.readModelsFile, note: 'missing: there is no read-model file (run `npm run rebuild`)' });
  }

  const liveBalances = new Map(live ? dumpedAccounts(live).map((a) => [a.accountId, parseFixed(a.balance)]) : []);
  differences.push(
    ...ledger.check([
      { source: 'engine state', of: (id) => state.accounts.get(id)?.balance },
      ...(live ? [{ source: 'read model', of: (id: number) => liveBalances.get(id) }] : []),
    ]),
  );

  if (underTest) {
    const { snapshot } = underTest;
    if (snapshot.position > 0 && snapshot.position <= head && underTest.eventIdAtPosition !== snapshot.lastEventId) {
      differences.push({ kind: 'snapshot', area: 'snapshot', key: 'position', note: `the log's event at position ${snapshot.position} is not the one the snapshot ends with: it was taken from another log` });
    } else {
      for (const d of diffDocuments(comparable(digestEngineState(state)), comparable(digestEngineState(underTest.state)))) {
        const [area = '', key = '', ...rest] = d.field.split('.');
        differences.push({ kind: 'snapshot', area, key, ...d, field: rest.length > 0 ? rest.join('.') : key });
      }
      for (const d of diffDocuments(Object.fromEntries(revisions), Object.fromEntries(underTest.revisions))) {
        differences.push({ kind: 'snapshot', area: 'stream revisions', key: d.field, ...d });
      }
    }
  }

  return { events: count, head, users: state.users.size, accounts: state.accounts.size, positions: state.positions.size, notes, differences };
}
