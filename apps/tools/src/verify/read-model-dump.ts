import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { AccountView, GroupView, OpenOrderView, PendingOrderView, UserView } from '../../../../libs/read-models/src/views.js';

export interface DumpedRow {
  /** Identifies the row within its table (an id, or `orderId@position` for a closed-order row). */
  key: string;
  doc: Record<string, unknown>;
}

/** Every document of a read-model store, table by table, to compare two stores row by row. */
export interface ReadModelDump {
  checkpoint: number;
  tables: Record<string, DumpedRow[]>;
}

/** How the rows of the tables we know are told apart, from their documents. */
const KEYS: Record<string, (doc: Record<string, unknown>) => string> = {
  users: (d) => String(d.userId),
  accounts: (d) => String(d.accountId),
  open_orders: (d) => String(d.orderId),
  pending_orders: (d) => String(d.orderId),
  // A partial close is its own row under the position's id: the log position tells them apart.
  closed_orders: (d) => `${String(d.orderId)}@${String(d.position)}`,
  history_orders: (d) => String(d.orderId),
  deals: (d) => String(d.dealId),
  groups: (d) => String(d.name),
};

interface ColumnInfo {
  name: string;
  pk: number;
}

/**
 * Reads a SQLite read-model file (the `SqliteReadModelStore` layout: one JSON `doc` per row) without
 * changing it. Every table with a `doc` column is read, so a read model added later is compared
 * too: rows of a table not listed in KEYS are told apart by their other columns.
 */
export function dumpSqliteReadModels(file: string): ReadModelDump {
  if (!existsSync(file)) throw new Error(`No read models at ${file}`);
  // Not opened read-only: a WAL database needs its -shm file, which a read-only handle cannot create.
  const db = new Database(file, { fileMustExist: true, timeout: 5_000 });
  try {
    const names = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    const tables: Record<string, DumpedRow[]> = {};
    for (const table of names) {
      const columns = db.prepare<[], ColumnInfo>(`PRAGMA table_info("${table}")`).all();
      if (!columns.some((c) => c.name === 'doc')) continue;
      const keyColumns = columns.filter((c) => c.name !== 'doc' && !(c.pk > 0 && c.name === 'id'));
      const known = KEYS[table];
      const rows = db.prepare<[], Record<string, unknown>>(`SELECT * FROM "${table}" ORDER BY rowid`).all();
      tables[table] = rows.map((row) => {
        const doc = JSON.parse(String(row.doc)) as Record<string, unknown>;
        const key = known ? known(doc) : keyColumns.map((c) => String(row[c.name])).join('/');
        return { key, doc };
      });
      tables[table]!.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    const checkpoint = names.includes('checkpoint') ? (db.prepare<[], number>('SELECT position FROM checkpoint WHERE id = 1').pluck().get() ?? 0) : 0;
    return { checkpoint, tables };
  } finally {
    db.close();
  }
}

const docsOf = <T>(dump: ReadModelDump, table: string): T[] => (dump.tables[table] ?? []).map((row) => row.doc as unknown as T);

/** The documents the engine state is compared with. */
export const dumpedUsers = (dump: ReadModelDump) => docsOf<UserView>(dump, 'users');
export const dumpedAccounts = (dump: ReadModelDump) => docsOf<AccountView>(dump, 'accounts');
export const dumpedOpenOrders = (dump: ReadModelDump) => docsOf<OpenOrderView>(dump, 'open_orders');
export const dumpedPendingOrders = (dump: ReadModelDump) => docsOf<PendingOrderView>(dump, 'pending_orders');
export const dumpedGroups = (dump: ReadModelDump) => docsOf<GroupView>(dump, 'groups');
