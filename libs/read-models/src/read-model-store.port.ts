import type { ReadModelOp } from './read-model.ops.js';
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
} from './views.js';

export interface ReadModelReader {
  userByEmail(email: string): Promise<UserView | undefined>;
  user(userId: number): Promise<UserView | undefined>;
  account(accountId: number): Promise<AccountView | undefined>;
  /** A user's accounts, oldest first (the first is the default account). */
  accountsOfUser(userId: number): Promise<AccountView[]>;
  openOrders(accountId: number): Promise<OpenOrderView[]>;
  openOrder(orderId: number): Promise<OpenOrderView | undefined>;
  /** Newest first. */
  closedOrders(accountId: number, limit?: number): Promise<ClosedOrderView[]>;
  /** Pending orders of an account, oldest first. */
  pendingOrders(accountId: number): Promise<PendingOrderView[]>;
  pendingOrder(orderId: number): Promise<PendingOrderView | undefined>;
  groups(): Promise<GroupView[]>;
  group(name: string): Promise<GroupView | undefined>;
  /** Orders of an account that became final within the range (by doneAt), oldest first, then by log position. */
  historyOrders(accountId: number, range: TimeRange, page?: Page): Promise<HistoryOrderView[]>;
  /** Deals of an account made within the range, oldest first, then by deal id. */
  deals(accountId: number, range: TimeRange, page?: Page): Promise<DealView[]>;
  /** Every deal of one position (its opening deal and each close), oldest first, then by deal id. */
  positionDeals(positionId: number): Promise<DealView[]>;
}

export interface ReadModelStore extends ReadModelReader {
  /** Last log position applied, 0 when empty. */
  checkpoint(): Promise<number>;
  /**
   * Applies the ops of a run of events and moves the checkpoint to `position`, atomically: either
   * both happen or neither does, so a crash between batches never applies an event twice.
   */
  apply(ops: ReadModelOp[], position: number): Promise<void>;
  /** Removes every document and the checkpoint (for a rebuild). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');
