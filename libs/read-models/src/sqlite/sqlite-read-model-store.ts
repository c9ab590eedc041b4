import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { useWriteAheadLog } from '../../../platform/src/sqlite/write-ahead-log.js';
import { fixedToString, normalizeEmail, parseFixed } from '../../../domain/src/index.js';
import type { ReadModelStore } from '../read-model-store.port.js';
import { archivedOrder, type ReadModelOp } from '../read-model.ops.js';
import type {
  AccountView,
  ClosedOrderView,
  DealView,
  GroupView,
  HistoryOrderView,
  OpenOrderView,
  Page,
  PendingOrderView,
  TimeRange,
  UserView,
} from '../views.js';

/**
 * An op targets a document that is not there: the read model and the log disagree. Thrown inside the
 * transaction, so the whole batch and its checkpoint roll back and the projector stops loudly instead
 * of drifting further.
 */
export class ReadModelInconsistencyError extends Error {
  constructor(op: ReadModelOp['op'], what: string) {
    super(`${op}: ${what} is not in the read model`);
    this.name = 'ReadModelInconsistencyError';
  }
}

// Each table keeps the whole document as JSON plus the columns lookups and ordering need.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    user_id INTEGER PRIMARY KEY,
    email   TEXT    NOT NULL,
    doc     TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS users_by_email ON users (email);
  CREATE TABLE IF NOT EXISTS accounts (
    account_id INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    opened_at  TEXT    NOT NULL,
    doc        TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS accounts_by_user ON accounts (user_id, opened_at, account_id);
  CREATE TABLE IF NOT EXISTS open_orders (
    order_id   INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    doc        TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS open_orders_by_account ON open_orders (account_id, order_id);
  CREATE TABLE IF NOT EXISTS closed_orders (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    close_time TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    doc        TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS closed_orders_by_account ON closed_orders (account_id, close_time DESC, position DESC);
  CREATE TABLE IF NOT EXISTS pending_orders (
    order_id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS pending_orders_by_account ON pending_orders (account_id, order_id);
  CREATE TABLE IF NOT EXISTS groups (
    name TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS history_orders (
    order_id   INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    done_at    TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    doc        TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS history_orders_by_account ON history_orders (account_id, done_at, position);
  CREATE TABLE IF NOT EXISTS deals (
    deal_id     INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL,
    position_id INTEGER,
    time        TEXT    NOT NULL,
    doc         TEXT    NOT NULL
  );
  CREATE INDEX IF NOT EXISTS deals_by_account ON deals (account_id, time, deal_id);
  CREATE INDEX IF NOT EXISTS deals_by_position ON deals (position_id, time, deal_id);
  CREATE TABLE IF NOT EXISTS checkpoint (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    position INTEGER NOT NULL
  );
`;

const parse = <T>(doc: string | undefined): T | undefined => (doc === undefined ? undefined : (JSON.parse(doc) as T));
const addDecimal = (a: string, b: string): string => fixedToString(parseFixed(a) + parseFixed(b));

/**
 * The read models in one SQLite file of their own. Everything in it can be rebuilt from the event
 * log, so commits are not fsynced one by one (synchronous = NORMAL): a crash may lose the last
 * batches, and the checkpoint, rolled back with them, makes the projector apply them again.
 */
export class SqliteReadModelStore implements ReadModelStore {
  private readonly db: Database.Database;
  private readonly sql;
  private readonly applyTransaction;
  /** Account documents changed by the batch being applied, not written yet. */
  private readonly changedAccounts = new Map<number, AccountView>();
  private readonly clearTransaction;

  constructor(filePath: string) {
    if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
    this.db = new Database(filePath, { timeout: 5_000 });
    useWriteAheadLog(this.db);
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.sql = {
      checkpoint: db.prepare<[], number>('SELECT position FROM checkpoint WHERE id = 1').pluck(),
      setCheckpoint: db.prepare<[number]>(
        'INSERT INTO checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
      ),
      putUser: db.prepare<[number, string, string]>('INSERT OR REPLACE INTO users (user_id, email, doc) VALUES (?, ?, ?)'),
      user: db.prepare<[number], string>('SELECT doc FROM users WHERE user_id = ?').pluck(),
      // The engine refuses a taken email; should two users ever share one, the first registered wins.
      userByEmail: db.prepare<[string], string>('SELECT doc FROM users WHERE email = ? ORDER BY user_id LIMIT 1').pluck(),
      putAccount: db.prepare<[number, number, string, string]>(
        'INSERT OR REPLACE INTO accounts (account_id, user_id, opened_at, doc) VALUES (?, ?, ?, ?)',
      ),
      account: db.prepare<[number], string>('SELECT doc FROM accounts WHERE account_id = ?').pluck(),
      accountsOfUser: db
        .prepare<[number], string>('SELECT doc FROM accounts WHERE user_id = ? ORDER BY opened_at, account_id')
        .pluck(),
      updateAccount: db.prepare<[string, number]>('UPDATE accounts SET doc = ? WHERE account_id = ?'),
      putOpenOrder: db.prepare<[number, number, string]>(
        'INSERT OR REPLACE INTO open_orders (order_id, account_id, doc) VALUES (?, ?, ?)',
      ),
      openOrder: db.prepare<[number], string>('SELECT doc FROM open_orders WHERE order_id = ?').pluck(),
      openOrders: db.prepare<[number], string>('SELECT doc FROM open_orders WHERE account_id = ? ORDER BY order_id').pluck(),
      updateOpenOrder: db.prepare<[string, number]>('UPDATE open_orders SET doc = ? WHERE order_id = ?'),
      deleteOpenOrder: db.prepare<[number]>('DELETE FROM open_orders WHERE order_id = ?'),
      addClosedOrder: db.prepare<[number, number, string, number, string]>(
        'INSERT INTO closed_orders (order_id, account_id, close_time, position, doc) VALUES (?, ?, ?, ?, ?)',
      ),
      closedOrders: db
        .prepare<[number, number], string>(
          'SELECT doc FROM closed_orders WHERE account_id = ? ORDER BY close_time DESC, position DESC LIMIT ?',
        )
        .pluck(),
      putPendingOrder: db.prepare<[number, number, string]>(
        'INSERT OR REPLACE INTO pending_orders (order_id, account_id, doc) VALUES (?, ?, ?)',
      ),
      pendingOrder: db.prepare<[number], string>('SELECT doc FROM pending_orders WHERE order_id = ?').pluck(),
      pendingOrders: db.prepare<[number], string>('SELECT doc FROM pending_orders WHERE account_id = ? ORDER BY order_id').pluck(),
      deletePendingOrder: db.prepare<[number]>('DELETE FROM pending_orders WHERE order_id = ?'),
      putGroup: db.prepare<[string, string]>('INSERT OR REPLACE INTO groups (name, doc) VALUES (?, ?)'),
      group: db.prepare<[string], string>('SELECT doc FROM groups WHERE name = ?').pluck(),
      groups: db.prepare<[], string>('SELECT doc FROM groups ORDER BY name').pluck(),
      putHistoryOrder: db.prepare<[number, number, string, number, string]>(
        'INSERT OR REPLACE INTO history_orders (order_id, account_id, done_at, position, doc) VALUES (?, ?, ?, ?, ?)',
      ),
      historyOrders: db
        .prepare<[number, string, string, number, number], string>(
          'SELECT doc FROM history_orders WHERE account_id = ? AND done_at >= ? AND done_at < ? ORDER BY done_at, position LIMIT ? OFFSET ?',
        )
        .pluck(),
      putDeal: db.prepare<[number, number, number | null, string, string]>(
        'INSERT OR REPLACE INTO deals (deal_id, account_id, position_id, time, doc) VALUES (?, ?, ?, ?, ?)',
      ),
      deals: db
        .prepare<[number, string, string, number, number], string>(
          'SELECT doc FROM deals WHERE account_id = ? AND time >= ? AND time < ? ORDER BY time, deal_id LIMIT ? OFFSET ?',
        )
        .pluck(),
      positionDeals: db.prepare<[number], string>('SELECT doc FROM deals WHERE position_id = ? ORDER BY time, deal_id').pluck(),
      clear: ['users', 'accounts', 'open_orders', 'closed_orders', 'pending_orders', 'groups', 'history_orders', 'deals', 'checkpoint'].map((table) =>
        db.prepare(`DELETE FROM ${table}`),
      ),
    };
    this.applyTransaction = db.transaction((ops: ReadModelOp[], position: number) => {
      // Checked inside the transaction, so a concurrent writer cannot slip in between check and write.
      if (position <= this.currentCheckpoint()) return;
      this.changedAccounts.clear();
      for (const op of ops) this.applyOp(op);
      // An order changes its account's margin and balance: each account document is written once per batch.
      for (const [accountId, account] of this.changedAccounts) this.sql.updateAccount.run(JSON.stringify(account), accountId);
      this.changedAccounts.clear();
      this.sql.setCheckpoint.run(position);
    });
    this.clearTransaction = db.transaction(() => {
      for (const statement of this.sql.clear) statement.run();
    });
  }

  async checkpoint(): Promise<number> {
    return this.currentCheckpoint();
  }

  async apply(ops: ReadModelOp[], position: number): Promise<void> {
    // IMMEDIATE takes the write lock up front, so a second connection never deadlocks upgrading a read lock.
    this.applyTransaction.immediate(ops, position);
  }

  async clear(): Promise<void> {
    this.clearTransaction.immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async userByEmail(email: string): Promise<UserView | undefined> {
    return parse(this.sql.userByEmail.get(normalizeEmail(email)));
  }

  async user(userId: number): Promise<UserView | undefined> {
    return parse(this.sql.user.get(userId));
  }

  async account(accountId: number): Promise<AccountView | undefined> {
    return parse(this.sql.account.get(accountId));
  }

  async accountsOfUser(userId: number): Promise<AccountView[]> {
    return this.sql.accountsOfUser.all(userId).map((doc) => JSON.parse(doc) as AccountView);
  }

  async openOrders(accountId: number): Promise<OpenOrderView[]> {
    return this.sql.openOrders.all(accountId).map((doc) => JSON.parse(doc) as OpenOrderView);
  }

  async openOrder(orderId: number): Promise<OpenOrderView | undefined> {
    return parse(this.sql.openOrder.get(orderId));
  }

  async closedOrders(accountId: number, limit?: number): Promise<ClosedOrderView[]> {
    // SQLite reads a negative LIMIT as "no limit".
    return this.sql.closedOrders.all(accountId, limit ?? -1).map((doc) => JSON.parse(doc) as ClosedOrderView);
  }

  async pendingOrders(accountId: number): Promise<PendingOrderView[]> {
    return this.sql.pendingOrders.all(accountId).map((doc) => JSON.parse(doc) as PendingOrderView);
  }

  async pendingOrder(orderId: number): Promise<PendingOrderView | undefined> {
    return parse(this.sql.pendingOrder.get(orderId));
  }

  async groups(): Promise<GroupView[]> {
    return this.sql.groups.all().map((doc) => JSON.parse(doc) as GroupView);
  }

  async group(name: string): Promise<GroupView | undefined> {
    return parse(this.sql.group.get(name));
  }

  async historyOrders(accountId: number, range: TimeRange, page: Page = {}): Promise<HistoryOrderView[]> {
    return this.sql.historyOrders
      .all(accountId, range.from, range.to, page.limit ?? -1, page.offset ?? 0)
      .map((doc) => JSON.parse(doc) as HistoryOrderView);
  }

  async deals(accountId: number, range: TimeRange, page: Page = {}): Promise<DealView[]> {
    return this.sql.deals.all(accountId, range.from, range.to, page.limit ?? -1, page.offset ?? 0).map((doc) => JSON.parse(doc) as DealView);
  }

  async positionDeals(positionId: number): Promise<DealView[]> {
    return this.sql.positionDeals.all(positionId).map((doc) => JSON.parse(doc) as DealView);
  }

  private currentCheckpoint(): number {
    return this.sql.checkpoint.get() ?? 0;
  }

  /** Runs inside the apply transaction; throwing rolls back the whole batch and its checkpoint. */
  private applyOp(op: ReadModelOp): void {
    switch (op.op) {
      case 'putUser':
        this.sql.putUser.run(op.user.userId, normalizeEmail(op.user.email), JSON.stringify(op.user));
        return;
      case 'putAccount': {
        const { account } = op;
        this.sql.putAccount.run(account.accountId, account.userId, account.openedAt, JSON.stringify(account));
        return;
      }
      case 'setBalance':
        this.updateAccount(op, op.accountId, (account) => ({ ...account, balance: op.balance }));
        return;
      case 'addMargin':
        this.updateAccount(op, op.accountId, (account) => ({ ...account, margin: addDecimal(account.margin, op.delta) }));
        return;
      case 'putOpenOrder':
        this.sql.putOpenOrder.run(op.order.orderId, op.order.accountId, JSON.stringify(op.order));
        return;
      case 'reduceOpenOrder': {
        const order = parse<OpenOrderView>(this.sql.openOrder.get(op.orderId));
        if (!order) throw new ReadModelInconsistencyError(op.op, `open order ${op.orderId}`);
        const margin = fixedToString(parseFixed(order.margin) - parseFixed(op.marginReleased));
        this.sql.updateOpenOrder.run(JSON.stringify({ ...order, volume: op.remainingVolume, margin }), op.orderId);
        return;
      }
      case 'deleteOpenOrder':
        if (this.sql.deleteOpenOrder.run(op.orderId).changes === 0) {
          throw new ReadModelInconsistencyError(op.op, `open order ${op.orderId}`);
        }
        return;
      case 'addClosedOrder': {
        const { order } = op;
        this.sql.addClosedOrder.run(order.orderId, order.accountId, order.closeTime, order.position, JSON.stringify(order));
        return;
      }
      case 'setOpenOrderLevels': {
        const order = parse<OpenOrderView>(this.sql.openOrder.get(op.orderId));
        if (!order) throw new ReadModelInconsistencyError(op.op, `open order ${op.orderId}`);
        this.sql.updateOpenOrder.run(JSON.stringify({ ...order, takeProfit: op.takeProfit, stopLoss: op.stopLoss }), op.orderId);
        return;
      }
      case 'putPendingOrder':
        this.sql.putPendingOrder.run(op.order.orderId, op.order.accountId, JSON.stringify(op.order));
        return;
      case 'patchPendingOrder': {
        const order = parse<PendingOrderView>(this.sql.pendingOrder.get(op.orderId));
        if (!order) throw new ReadModelInconsistencyError(op.op, `pending order ${op.orderId}`);
        this.sql.putPendingOrder.run(order.orderId, order.accountId, JSON.stringify({ ...order, ...op.changes }));
        return;
      }
      case 'deletePendingOrder':
        if (this.sql.deletePendingOrder.run(op.orderId).changes === 0) {
          throw new ReadModelInconsistencyError(op.op, `pending order ${op.orderId}`);
        }
        return;
      case 'putGroup':
        this.sql.putGroup.run(op.group.name, JSON.stringify(op.group));
        return;
      case 'setAccountGroup':
        this.updateAccount(op, op.accountId, (account) => ({ ...account, group: op.group, leverage: op.leverage }));
        return;
      case 'putHistoryOrder':
        this.putHistoryOrder(op.order);
        return;
      case 'archivePendingOrder': {
        const pending = parse<PendingOrderView>(this.sql.pendingOrder.get(op.orderId));
        if (!pending) throw new ReadModelInconsistencyError(op.op, `pending order ${op.orderId}`);
        this.putHistoryOrder(archivedOrder(pending, op));
        return;
      }
      case 'putDeal': {
        const { deal } = op;
        this.sql.putDeal.run(deal.dealId, deal.accountId, deal.positionId, deal.time, JSON.stringify(deal));
        return;
      }
      default: {
        const unknown: never = op;
        throw new Error(`Unknown read-model op ${JSON.stringify(unknown)}`);
      }
    }
  }

  private putHistoryOrder(order: HistoryOrderView): void {
    this.sql.putHistoryOrder.run(order.orderId, order.accountId, order.doneAt, order.position, JSON.stringify(order));
  }

  /** Changes an account document; written when the batch's ops are all applied (see applyTransaction). */
  private updateAccount(op: ReadModelOp, accountId: number, change: (account: AccountView) => AccountView): void {
    const account = this.changedAccounts.get(accountId) ?? parse<AccountView>(this.sql.account.get(accountId));
    if (!account) throw new ReadModelInconsistencyError(op.op, `account ${accountId}`);
    this.changedAccounts.set(accountId, change(account));
  }
}
