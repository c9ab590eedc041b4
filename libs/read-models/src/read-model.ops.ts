import type { AccountView, ClosedOrderView, GroupView, OpenOrderView, PendingOrderView, UserView } from './views.js';

/** The changes a projection asks a store to make; stores apply a batch of them atomically. */
export type ReadModelOp =
  | { op: 'putUser'; user: UserView }
  | { op: 'putAccount'; account: AccountView }
  | { op: 'setBalance'; accountId: number; balance: string }
  | { op: 'addMargin'; accountId: number; delta: string }
  | { op: 'putOpenOrder'; order: OpenOrderView }
  | { op: 'reduceOpenOrder'; orderId: number; remainingVolume: string; marginReleased: string }
  | { op: 'deleteOpenOrder'; orderId: number }
  | { op: 'addClosedOrder'; order: ClosedOrderView }
  | { op: 'setOpenOrderLevels'; orderId: number; takeProfit: string | null; stopLoss: string | null }
  | { op: 'putPendingOrder'; order: PendingOrderView }
  | { op: 'patchPendingOrder'; orderId: number; changes: Partial<Omit<PendingOrderView, 'orderId' | 'accountId'>> }
  | { op: 'deletePendingOrder'; orderId: number }
  | { op: 'putGroup'; group: GroupView }
  | { op: 'setAccountGroup'; accountId: number; group: string; leverage: number };
