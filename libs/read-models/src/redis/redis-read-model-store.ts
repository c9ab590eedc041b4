import { Redis, type ChainableCommander } from 'ioredis';
import { fixedToString, normalizeEmail, parseFixed } from '../../../domain/src/index.js';
import type { ReadModelStore } from '../read-model-store.port.js';
import { archivedOrder, type ReadModelOp } from '../read-model.ops.js';
import { ReadModelInconsistencyError } from '../sqlite/sqlite-read-model-store.js';
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

export const DEFAULT_READ_MODEL_KEY_PREFIX = 'ts:rm:';

/**
 * Another writer moved the checkpoint (or cleared the store) between this store reading the
 * documents of a batch and committing it; nothing of the batch was written. There is meant to be a
 * single projector: this is the fence that stops a second one (e.g. two overlapping during a
 * deploy) from applying a batch over documents it read before the other wrote.
 */
export class ReadModelWriteConflictError extends Error {
  constructor(position: number) {
    super(`apply at position ${position}: another writer changed the read model concurrently; nothing was written`);
    this.name = 'ReadModelWriteConflictError';
  }
}

/** A clear() stopped half way (crash, lost connection): the store must be cleared again before use. */
export class ReadModelClearInterruptedError extends Error {
  constructor(keyPrefix: string) {
    super(`The read model under "${keyPrefix}" was being cleared and the clear did not finish; call clear() again`);
    this.name = 'ReadModelClearInterruptedError';
  }
}

/** Stored in the checkpoint key while clear() runs, so a half-cleared store never claims a position. */
const CLEARING = 'clearing';
const CLEAR_BATCH = 500;
/** Log positions inside lexicographic members are zero-padded, so text order is numeric order. */
const ID_DIGITS = 16;
/** Separates the parts of a lexicographic member; sorts before every other byte, as a shorter text does in SQLite. */
const SEP = '\x00';

const padId = (n: number, what: string): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  return String(n).padStart(ID_DIGITS, '0');
};

/**
 * A closed order's member in its account's history: close time, then log position, then the row.
 * All scores are 0 and the set is read BYLEX in reverse, which orders like SQLite's
 * `ORDER BY close_time DESC, position DESC` (byte-wise text, then number). Ordering by position
 * alone would differ: a TP/SL/stop-out close is stamped with its quote's time, which can be earlier
 * than the time of a manual close logged before it.
 */
const closedMember = (order: ClosedOrderView): string =>
  `${order.closeTime}${SEP}${padId(order.position, 'position')}${SEP}${JSON.stringify(order)}`;
// JSON escapes U+0000, so the row is everything after the last separator.
const closedRow = (member: string): ClosedOrderView => JSON.parse(member.slice(member.lastIndexOf(SEP) + 1)) as ClosedOrderView;

/**
 * An order's member in its account's order history: done time, log position, order id. Scores are 0
 * and the set is read BYLEX, which orders like SQLite's `ORDER BY done_at, position`. The member
 * depends only on the event that ended the order, so putting the order again adds no second member.
 */
const historyMember = (order: HistoryOrderView): string =>
  `${order.doneAt}${SEP}${padId(order.position, 'position')}${SEP}${padId(order.orderId, 'orderId')}`;
/** A deal's member in its account's and its position's deal sets: time, then deal id. */
const dealMember = (deal: DealView): string => `${deal.time}${SEP}${padId(deal.dealId, 'dealId')}`;
/** The id a history or deal member ends with. */
const memberId = (member: string): number => Number(member.slice(member.lastIndexOf(SEP) + 1));
/** ZRANGE BYLEX bounds of a time range: members of `from` onwards, before `to` (a member extends its time). */
const lexRange = (range: TimeRange): [string, string] => [`[${range.from}`, `(${range.to}`];

const parseDoc = <T>(doc: string | null | undefined): T | undefined => (doc == null ? undefined : (JSON.parse(doc) as T));
const addDecimal = (a: string, b: string): string => fixedToString(parseFixed(a) + parseFixed(b));
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

/** Results of a pipeline or transaction, throwing the first command error instead of returning it. */
function results(replies: [error: Error | null, result: unknown][] | null, what: string): unknown[] {
  if (!replies) throw new Error(`${what}: no replies`);
  return replies.map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}

/** The documents a batch touches, read before it runs, then changed in memory op by op. */
interface Overlay {
  users: Map<number, UserView | undefined>;
  accounts: Map<number, AccountView | undefined>;
  orders: Map<number, OpenOrderView | undefined>;
  pending: Map<number, PendingOrderView | undefined>;
  dirtyUsers: Set<number>;
  dirtyAccounts: Set<number>;
  dirtyOrders: Set<number>;
  dirtyPending: Set<number>;
  /** Groups are only ever put whole, never read by an op: no need to load them. */
  groups: Map<string, GroupView>;
  /** Sorted-set changes, last one per member wins: a score to add with, or null to remove. */
  sets: Map<string, Map<string, number | null>>;
  /** History orders and deals are only ever put whole: written, never read by an op. */
  historyOrders: Map<number, HistoryOrderView>;
  deals: Map<number, DealView>;
}

/**
 * The read models in Redis, for distributed mode: API instances read, one projector writes.
 *
 * Every key starts with the prefix given to the constructor:
 * - `user:{id}`, `account:{id}`, `order:{id}` (open orders), `pending:{id}`, `group:{name}`: the
 *   JSON documents;
 * - `email:{normalized email}`: sorted set of the user ids with that email, by id (the lowest wins,
 *   as "first registered" does in the SQLite store);
 * - `user-accounts:{userId}`: sorted set of account ids, scored by id (ids are handed out in
 *   opening order, so this is oldest first);
 * - `account-open-orders:{accountId}`, `account-pending-orders:{accountId}`: sorted sets of order
 *   ids, scored by id;
 * - `groups`: sorted set of group names, all scored 0, so in byte order like SQLite's ORDER BY name;
 * - `account-closed-orders:{accountId}`: the closed rows themselves, see {@link closedMember};
 * - `history-order:{orderId}`, `deal:{dealId}`: the JSON documents of final orders and deals;
 *   `account-history-orders:{accountId}` (see {@link historyMember}), `account-deals:{accountId}` and
 *   `position-deals:{positionId}` (see {@link dealMember}): sorted sets ordering them by time;
 * - `checkpoint`: the last applied log position.
 *
 * apply() reads the documents a batch touches (WATCHing the checkpoint), runs every op in memory
 * with exact decimals, then writes all changes and the new checkpoint in one MULTI/EXEC: a crash
 * never leaves half a batch, and a failing op writes nothing at all.
 */
export class RedisReadModelStore implements ReadModelStore {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  /** apply() and clear() run one at a time: WATCH state is per connection, so they must not interleave. */
  private writes: Promise<unknown> = Promise.resolve();

  /**
   * @param redis a client (left open by close(); give the store a connection of its own if anything
   *   else on it uses WATCH), or a URL the store connects to itself and disconnects on close().
   * @param keyPrefix namespace of every key, e.g. `ts:rm:`; clear() deletes everything under it.
   */
  constructor(
    redis: Redis | string,
    private readonly keyPrefix: string,
  ) {
    if (!keyPrefix) throw new Error('RedisReadModelStore needs a non-empty key prefix: clear() deletes every key under it');
    this.ownsClient = typeof redis === 'string';
    this.redis = typeof redis === 'string' ? new Redis(redis) : redis;
  }

  async checkpoint(): Promise<number> {
    return this.parseCheckpoint(await this.redis.get(this.key.checkpoint()));
  }

  apply(ops: ReadModelOp[], position: number): Promise<void> {
    return this.exclusively(() => this.applyBatch(ops, position));
  }

  clear(): Promise<void> {
    return this.exclusively(() => this.clearAll());
  }

  async close(): Promise<void> {
    if (!this.ownsClient || this.redis.status === 'end') return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  async userByEmail(email: string): Promise<UserView | undefined> {
    const [userId] = await this.redis.zrange(this.key.email(normalizeEmail(email)), 0, '0');
    return userId === undefined ? undefined : this.user(Number(userId));
  }

  async user(userId: number): Promise<UserView | undefined> {
    return parseDoc(await this.redis.get(this.key.user(userId)));
  }

  async account(accountId: number): Promise<AccountView | undefined> {
    return parseDoc(await this.redis.get(this.key.account(accountId)));
  }

  async accountsOfUser(userId: number): Promise<AccountView[]> {
    const ids = await this.redis.zrange(this.key.userAccounts(userId), 0, '-1');
    return this.docs<AccountView>(ids.map((id) => this.key.account(Number(id))));
  }

  async openOrders(accountId: number): Promise<OpenOrderView[]> {
    const ids = await this.redis.zrange(this.key.openOrders(accountId), 0, '-1');
    return this.docs<OpenOrderView>(ids.map((id) => this.key.order(Number(id))));
  }

  async openOrder(orderId: number): Promise<OpenOrderView | undefined> {
    return parseDoc(await this.redis.get(this.key.order(orderId)));
  }

  async closedOrders(accountId: number, limit?: number): Promise<ClosedOrderView[]> {
    // As SQLite's LIMIT: a negative count means no limit, 0 means none.
    const members = await this.redis.zrange(this.key.closedOrders(accountId), '+', '-', 'BYLEX', 'REV', 'LIMIT', 0, limit ?? -1);
    return members.map(closedRow);
  }

  async pendingOrders(accountId: number): Promise<PendingOrderView[]> {
    const ids = await this.redis.zrange(this.key.pendingOrders(accountId), 0, '-1');
    return this.docs<PendingOrderView>(ids.map((id) => this.key.pending(Number(id))));
  }

  async pendingOrder(orderId: number): Promise<PendingOrderView | undefined> {
    return parseDoc(await this.redis.get(this.key.pending(orderId)));
  }

  async groups(): Promise<GroupView[]> {
    const names = await this.redis.zrange(this.key.groups(), 0, '-1');
    return this.docs<GroupView>(names.map(this.key.group));
  }

  async group(name: string): Promise<GroupView | undefined> {
    return parseDoc(await this.redis.get(this.key.group(name)));
  }

  async historyOrders(accountId: number, range: TimeRange, page: Page = {}): Promise<HistoryOrderView[]> {
    const members = await this.redis.zrange(this.key.historyOrders(accountId), ...lexRange(range), 'BYLEX', 'LIMIT', page.offset ?? 0, page.limit ?? -1);
    return this.docs<HistoryOrderView>(members.map((m) => this.key.historyOrder(memberId(m))));
  }

  async deals(accountId: number, range: TimeRange, page: Page = {}): Promise<DealView[]> {
    const members = await this.redis.zrange(this.key.deals(accountId), ...lexRange(range), 'BYLEX', 'LIMIT', page.offset ?? 0, page.limit ?? -1);
    return this.docs<DealView>(members.map((m) => this.key.deal(memberId(m))));
  }

  async positionDeals(positionId: number): Promise<DealView[]> {
    const members = await this.redis.zrange(this.key.positionDeals(positionId), 0, '-1');
    return this.docs<DealView>(members.map((m) => this.key.deal(memberId(m))));
  }

  private readonly key = {
    checkpoint: () => `${this.keyPrefix}checkpoint`,
    user: (userId: number) => `${this.keyPrefix}user:${userId}`,
    email: (normalizedEmail: string) => `${this.keyPrefix}email:${normalizedEmail}`,
    account: (accountId: number) => `${this.keyPrefix}account:${accountId}`,
    userAccounts: (userId: number) => `${this.keyPrefix}user-accounts:${userId}`,
    order: (orderId: number) => `${this.keyPrefix}order:${orderId}`,
    openOrders: (accountId: number) => `${this.keyPrefix}account-open-orders:${accountId}`,
    closedOrders: (accountId: number) => `${this.keyPrefix}account-closed-orders:${accountId}`,
    pending: (orderId: number) => `${this.keyPrefix}pending:${orderId}`,
    pendingOrders: (accountId: number) => `${this.keyPrefix}account-pending-orders:${accountId}`,
    group: (name: string) => `${this.keyPrefix}group:${name}`,
    groups: () => `${this.keyPrefix}groups`,
    historyOrder: (orderId: number) => `${this.keyPrefix}history-order:${orderId}`,
    historyOrders: (accountId: number) => `${this.keyPrefix}account-history-orders:${accountId}`,
    deal: (dealId: number) => `${this.keyPrefix}deal:${dealId}`,
    deals: (accountId: number) => `${this.keyPrefix}account-deals:${accountId}`,
    positionDeals: (positionId: number) => `${this.keyPrefix}position-deals:${positionId}`,
  };

  /** The documents under `keys` in one MGET, in order; one deleted since its index was read is left out. */
  private async docs<T>(keys: string[]): Promise<T[]> {
    if (keys.length === 0) return [];
    const docs = await this.redis.mget(keys);
    return docs.flatMap((doc) => (doc === null ? [] : [JSON.parse(doc) as T]));
  }

  private parseCheckpoint(value: string | null): number {
    if (value === null) return 0;
    if (value === CLEARING) throw new ReadModelClearInterruptedError(this.keyPrefix);
    return Number(value);
  }

  private exclusively<T>(task: () => Promise<T>): Promise<T> {
    const run = this.writes.then(task);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async applyBatch(ops: ReadModelOp[], position: number): Promise<void> {
    const checkpointKey = this.key.checkpoint();
    let watching = false;
    try {
      // Read phase, one round trip: WATCH first, so a write by anyone else from here on aborts EXEC.
      const userIds = new Set<number>();
      const accountIds = new Set<number>();
      const orderIds = new Set<number>();
      const pendingIds = new Set<number>();
      for (const op of ops) this.collectTouched(op, userIds, accountIds, orderIds, pendingIds);
      const users = [...userIds];
      const accounts = [...accountIds];
      const orders = [...orderIds];
      const pending = [...pendingIds];
      const read = this.redis.pipeline().watch(checkpointKey).get(checkpointKey);
      if (users.length) read.mget(users.map(this.key.user));
      if (accounts.length) read.mget(accounts.map(this.key.account));
      if (orders.length) read.mget(orders.map(this.key.order));
      if (pending.length) read.mget(pending.map(this.key.pending));
      watching = true;
      const replies = results(await read.exec(), 'read-model read');
      const current = this.parseCheckpoint(replies[1] as string | null);
      if (position <= current) return; // already applied: not even looked at

      let next = 2;
      const loaded = <T>(ids: number[]): Map<number, T | undefined> => {
        const docs = ids.length ? (replies[next++] as (string | null)[]) : [];
        return new Map(ids.map((id, i) => [id, parseDoc<T>(docs[i])]));
      };
      const overlay: Overlay = {
        users: loaded<UserView>(users),
        accounts: loaded<AccountView>(accounts),
        orders: loaded<OpenOrderView>(orders),
        pending: loaded<PendingOrderView>(pending),
        dirtyUsers: new Set(),
        dirtyAccounts: new Set(),
        dirtyOrders: new Set(),
        dirtyPending: new Set(),
        groups: new Map(),
        sets: new Map(),
        historyOrders: new Map(),
        deals: new Map(),
      };
      // Throws on the first op that cannot apply, before anything is written.
      for (const op of ops) this.applyOp(overlay, op);

      const write = this.redis.multi();
      this.queueWrites(write, overlay);
      write.set(checkpointKey, String(position));
      const committed = await write.exec();
      watching = false; // EXEC unwatches, whether it ran or not
      if (committed === null) throw new ReadModelWriteConflictError(position);
      // Only possible if something else put keys of the wrong type under the prefix; Redis does not
      // roll back the other commands of the transaction, so say so loudly.
      const failed = committed.find(([error]) => error);
      if (failed) throw new Error(`apply at position ${position} was only partly written, rebuild the read model: ${failed[0]?.message}`);
    } finally {
      if (watching) await this.redis.unwatch().catch(() => undefined);
    }
  }

  /** The documents `op` reads or replaces, by kind. */
  private collectTouched(op: ReadModelOp, users: Set<number>, accounts: Set<number>, orders: Set<number>, pending: Set<number>): void {
    switch (op.op) {
      case 'putUser':
        users.add(op.user.userId);
        return;
      case 'putAccount':
        accounts.add(op.account.accountId);
        return;
      case 'setBalance':
      case 'addMargin':
      case 'setAccountGroup':
        accounts.add(op.accountId);
        return;
      case 'putOpenOrder':
        orders.add(op.order.orderId);
        return;
      case 'reduceOpenOrder':
      case 'deleteOpenOrder':
      case 'setOpenOrderLevels':
        orders.add(op.orderId);
        return;
      case 'putPendingOrder':
        pending.add(op.order.orderId);
        return;
      case 'patchPendingOrder':
      case 'deletePendingOrder':
      case 'archivePendingOrder':
        pending.add(op.orderId);
        return;
      case 'addClosedOrder':
      case 'putGroup':
      case 'putHistoryOrder':
      case 'putDeal':
        return;
      default: {
        const unknown: never = op;
        throw new Error(`Unknown read-model op ${JSON.stringify(unknown)}`);
      }
    }
  }

  private applyOp(overlay: Overlay, op: ReadModelOp): void {
    switch (op.op) {
      case 'putUser': {
        const { user } = op;
        const previous = overlay.users.get(user.userId);
        if (previous) this.setChange(overlay, this.key.email(normalizeEmail(previous.email)), String(user.userId), null);
        this.setChange(overlay, this.key.email(normalizeEmail(user.email)), String(user.userId), user.userId);
        overlay.users.set(user.userId, user);
        overlay.dirtyUsers.add(user.userId);
        return;
      }
      case 'putAccount': {
        const { account } = op;
        const member = String(account.accountId);
        const previous = overlay.accounts.get(account.accountId);
        if (previous) this.setChange(overlay, this.key.userAccounts(previous.userId), member, null);
        this.setChange(overlay, this.key.userAccounts(account.userId), member, account.accountId);
        overlay.accounts.set(account.accountId, account);
        overlay.dirtyAccounts.add(account.accountId);
        return;
      }
      case 'setBalance':
        this.updateAccount(overlay, op, op.accountId, (account) => ({ ...account, balance: op.balance }));
        return;
      case 'addMargin':
        this.updateAccount(overlay, op, op.accountId, (account) => ({ ...account, margin: addDecimal(account.margin, op.delta) }));
        return;
      case 'putOpenOrder': {
        const { order } = op;
        const member = String(order.orderId);
        const previous = overlay.orders.get(order.orderId);
        if (previous) this.setChange(overlay, this.key.openOrders(previous.accountId), member, null);
        this.setChange(overlay, this.key.openOrders(order.accountId), member, order.orderId);
        overlay.orders.set(order.orderId, order);
        overlay.dirtyOrders.add(order.orderId);
        return;
      }
      case 'reduceOpenOrder': {
        const order = overlay.orders.get(op.orderId);
        if (!order) throw new ReadModelInconsistencyError(op.op, `open order ${op.orderId}`);
        const margin = fixedToString(parseFixed(order.margin) - parseFixed(op.marginReleased));
        overlay.orders.set(op.orderId, { ...order, volume: op.remainingVolume, margin });
        overlay.dirtyOrders.add(op.orderId);
        return;
      }
      case 'deleteOpenOrder': {
        const order = overlay.orders.get(op.orderId);
        if (!order) throw new ReadModelInconsistencyError(op.op, `open order ${op.orderId}`);
        this.setChange(overlay, this.key.openOrders(order.accountId), String(op.orderId), null);
        overlay.orders.set(op.orderId, undefined);
        overlay.dirtyOrders.add(op.orderId);
        return;
      }
      case 'addClosedOrder':
        this.setChange(overlay, this.key.closedOrders(op.order.accountId), closedMember(op.order), 0);
        return;
      case 'setOpenOrderLevels': {
        const order = overlay.orders.get(op.orderId);
        if (!order) throw new ReadModelInconsistencyError(op.op, `open order ${op.orderId}`);
        overlay.orders.set(op.orderId, { ...order, takeProfit: op.takeProfit, stopLoss: op.stopLoss });
        overlay.dirtyOrders.add(op.orderId);
        return;
      }
      case 'putPendingOrder': {
        const { order } = op;
        const member = String(order.orderId);
        const previous = overlay.pending.get(order.orderId);
        if (previous) this.setChange(overlay, this.key.pendingOrders(previous.accountId), member, null);
        this.setChange(overlay, this.key.pendingOrders(order.accountId), member, order.orderId);
        overlay.pending.set(order.orderId, order);
        overlay.dirtyPending.add(order.orderId);
        return;
      }
      case 'patchPendingOrder': {
        const order = overlay.pending.get(op.orderId);
        if (!order) throw new ReadModelInconsistencyError(op.op, `pending order ${op.orderId}`);
        // Through JSON, as SQLite stores it: a change to `undefined` drops the field.
        const patched = JSON.parse(JSON.stringify({ ...order, ...op.changes })) as PendingOrderView;
        overlay.pending.set(op.orderId, patched);
        overlay.dirtyPending.add(op.orderId);
        return;
      }
      case 'deletePendingOrder': {
        const order = overlay.pending.get(op.orderId);
        if (!order) throw new ReadModelInconsistencyError(op.op, `pending order ${op.orderId}`);
        this.setChange(overlay, this.key.pendingOrders(order.accountId), String(op.orderId), null);
        overlay.pending.set(op.orderId, undefined);
        overlay.dirtyPending.add(op.orderId);
        return;
      }
      case 'putGroup':
        overlay.groups.set(op.group.name, op.group);
        this.setChange(overlay, this.key.groups(), op.group.name, 0);
        return;
      case 'setAccountGroup':
        this.updateAccount(overlay, op, op.accountId, (account) => ({ ...account, group: op.group, leverage: op.leverage }));
        return;
      case 'putHistoryOrder':
        this.putHistoryOrder(overlay, op.order);
        return;
      case 'archivePendingOrder': {
        const pending = overlay.pending.get(op.orderId);
        if (!pending) throw new ReadModelInconsistencyError(op.op, `pending order ${op.orderId}`);
        this.putHistoryOrder(overlay, archivedOrder(pending, op));
        return;
      }
      case 'putDeal': {
        const { deal } = op;
        overlay.deals.set(deal.dealId, deal);
        this.setChange(overlay, this.key.deals(deal.accountId), dealMember(deal), 0);
        if (deal.positionId !== null) this.setChange(overlay, this.key.positionDeals(deal.positionId), dealMember(deal), 0);
        return;
      }
      default: {
        const unknown: never = op;
        throw new Error(`Unknown read-model op ${JSON.stringify(unknown)}`);
      }
    }
  }

  private putHistoryOrder(overlay: Overlay, order: HistoryOrderView): void {
    overlay.historyOrders.set(order.orderId, order);
    this.setChange(overlay, this.key.historyOrders(order.accountId), historyMember(order), 0);
  }

  private updateAccount(
    overlay: Overlay,
    op: ReadModelOp,
    accountId: number,
    change: (account: AccountView) => AccountView,
  ): void {
    const account = overlay.accounts.get(accountId);
    if (!account) throw new ReadModelInconsistencyError(op.op, `account ${accountId}`);
    overlay.accounts.set(accountId, change(account));
    overlay.dirtyAccounts.add(accountId);
  }

  private setChange(overlay: Overlay, key: string, member: string, score: number | null): void {
    let members = overlay.sets.get(key);
    if (!members) overlay.sets.set(key, (members = new Map()));
    members.delete(member); // re-inserted last: the last change of a member is the one that counts
    members.set(member, score);
  }

  private queueWrites(write: ChainableCommander, overlay: Overlay): void {
    for (const id of overlay.dirtyUsers) write.set(this.key.user(id), JSON.stringify(overlay.users.get(id)));
    for (const id of overlay.dirtyAccounts) write.set(this.key.account(id), JSON.stringify(overlay.accounts.get(id)));
    for (const id of overlay.dirtyOrders) {
      const order = overlay.orders.get(id);
      if (order) write.set(this.key.order(id), JSON.stringify(order));
      else write.del(this.key.order(id));
    }
    for (const id of overlay.dirtyPending) {
      const order = overlay.pending.get(id);
      if (order) write.set(this.key.pending(id), JSON.stringify(order));
      else write.del(this.key.pending(id));
    }
    for (const [name, group] of overlay.groups) write.set(this.key.group(name), JSON.stringify(group));
    for (const [id, order] of overlay.historyOrders) write.set(this.key.historyOrder(id), JSON.stringify(order));
    for (const [id, deal] of overlay.deals) write.set(this.key.deal(id), JSON.stringify(deal));
    for (const [key, members] of overlay.sets) {
      const added: (string | number)[] = [];
      const removed: string[] = [];
      for (const [member, score] of members) {
        if (score === null) removed.push(member);
        else added.push(score, member);
      }
      if (removed.length) write.zrem(key, ...removed);
      if (added.length) write.zadd(key, ...added);
    }
  }

  /**
   * SCAN + UNLINK in batches: not atomic, so the checkpoint is first set to a marker that makes
   * checkpoint() and apply() refuse until a clear() completes; a half-cleared store is never
   * mistaken for an empty one, or for one at its old position.
   */
  private async clearAll(): Promise<void> {
    const checkpointKey = this.key.checkpoint();
    await this.redis.set(checkpointKey, CLEARING);
    const pattern = `${escapeGlob(this.keyPrefix)}*`;
    let cursor = '0';
    do {
      const [nextCursor, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', CLEAR_BATCH);
      const doomed = keys.filter((key) => key !== checkpointKey);
      if (doomed.length) await this.redis.unlink(doomed);
      cursor = nextCursor;
    } while (cursor !== '0');
    await this.redis.del(checkpointKey);
  }
}
